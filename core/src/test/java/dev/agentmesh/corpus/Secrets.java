package dev.agentmesh.corpus;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * Planted secrets of every kind the {@link Redactor} knows, made up from a seeded random source at run time (so the
 * repository holds no string a secret scanner would flag), each as the text it is planted in and the part that
 * must never be stored.
 */
final class Secrets {
    /** One planted secret: {@code text} holds {@code secret}, which must not survive redaction. */
    record Planted(String kind, String text, String secret) {
    }

    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final String UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0234567";

    private Secrets() {
    }

    static List<Planted> all() {
        Random r = new Random(6);
        List<Planted> out = new ArrayList<>();
        String anthropic = "sk-ant-api03-" + pick(r, ALNUM + "_-", 90) + "AA";
        out.add(new Planted("anthropic-key", "export ANTHROPIC=" + anthropic + " # set it", anthropic));
        String openai = "sk-proj-" + pick(r, ALNUM, 48);
        out.add(new Planted("openai-key", "client = OpenAI(api_key=\"" + openai + "\")", openai));
        String openaiOld = "sk-" + pick(r, ALNUM, 48);
        out.add(new Planted("openai-key", "the key is " + openaiOld + ", keep it safe", openaiOld));
        String aws = "AKIA" + pick(r, UPPER, 15) + "7";
        out.add(new Planted("aws-key", "aws configure set aws_access_key_id " + aws, aws));
        String awsSecret = pick(r, ALNUM + "+/", 40);
        out.add(new Planted("aws-secret", "aws_secret_access_key = " + awsSecret, awsSecret));
        String ghp = "ghp_" + pick(r, ALNUM, 36);
        out.add(new Planted("github-token", "git clone https://" + ghp + "@example.org/o/r.git", ghp));
        String gho = "gho_" + pick(r, ALNUM, 36);
        out.add(new Planted("github-token", "GH token (" + gho + ")", gho));
        String pat = "github_pat_" + pick(r, ALNUM, 22) + "_" + pick(r, ALNUM, 59);
        out.add(new Planted("github-token", "`" + pat + "`", pat));
        String slack = "xoxb-" + pick(r, "0123456789", 12) + "-" + pick(r, "0123456789", 13) + "-" + pick(r, ALNUM, 24);
        out.add(new Planted("slack-token", "SLACK=" + slack, slack));
        String slackUser = "xoxp-" + pick(r, "0123456789", 12) + "-" + pick(r, ALNUM, 30);
        out.add(new Planted("slack-token", "post with " + slackUser + ".", slackUser));
        String google = "AIza" + pick(r, ALNUM + "_-", 34) + "9";
        out.add(new Planted("google-api-key", "https://maps.example/api?key=" + google + "&q=x", google));
        String bearer = pick(r, ALNUM + "-._~+/", 40);
        out.add(new Planted("bearer", "curl -H 'Authorization: Bearer " + bearer + "' https://api.example", bearer));
        String bearerProse = pick(r, ALNUM, 32) + "7";
        out.add(new Planted("bearer", "send it as bearer " + bearerProse + " to the API", bearerProse));
        String basic = Base64.getEncoder().encodeToString(("deploy:" + pick(r, ALNUM, 14)).getBytes());
        out.add(new Planted("authorization", "GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Basic " + basic + "\r\n\r\n", basic));
        String header = pick(r, ALNUM, 12);
        out.add(new Planted("authorization", "{\"headers\": {\"authorization\": \"Token " + header + "\"}}", header));
        String env = "hunter2-" + pick(r, "abcdefgh", 6);
        out.add(new Planted("env", "# .env\nDB_HOST=localhost\nDB_PASSWORD=" + env + "\nDEBUG=1\n", env));
        String envExport = "plain words " + pick(r, "abcdefgh", 6);
        out.add(new Planted("env", "run.sh:\nexport STRIPE_SECRET=" + envExport, envExport));
        String envEscaped = "swordfish" + pick(r, "abcdefgh", 6);
        out.add(new Planted("env", "wrote \"API_KEY=" + envEscaped + "\\nPORT=8080\" to .env", envEscaped));
        String yaml = "tiger" + pick(r, "abcdefgh", 6);
        out.add(new Planted("env", "settings.yml:\npassword: " + yaml + "\nuser: admin", yaml));
        String generic = pick(r, ALNUM, 31) + "2";
        out.add(new Planted("generic", "config.clientSecret = \"" + generic + "\";", generic));
        String genericJson = pick(r, ALNUM, 23) + "4";
        out.add(new Planted("generic", "{\"refresh_token\":\"" + genericJson + "\"}", genericJson));
        String pemBody = pem(r);
        String pem = "-----BEGIN RSA PRIVATE KEY-----\n" + pemBody + "\n-----END RSA PRIVATE KEY-----";
        out.add(new Planted("private-key", "key file:\n" + pem + "\nthat is all", pemBody.substring(0, 64)));
        String openssh = pem(r);
        out.add(new Planted("private-key", "-----BEGIN OPENSSH PRIVATE KEY-----\n" + openssh + "\n", openssh.substring(100, 164)));
        String jwt = "eyJhbGciOiJIUzI1NiJ9." + "eyJ" + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("{\"sub\":\"" + pick(r, ALNUM, 10) + "\"}").getBytes()) + "." + pick(r, ALNUM + "_-", 43);
        out.add(new Planted("jwt", "cookie session=" + jwt + "; Path=/", jwt.substring(jwt.lastIndexOf('.') + 1)));
        String urlPassword = "S3cr3t" + pick(r, ALNUM, 10);
        out.add(new Planted("url-credentials", "DATABASE=postgres://admin:" + urlPassword + "@db.internal:5432/app", urlPassword));
        String urlPassword2 = pick(r, ALNUM, 12);
        out.add(new Planted("url-credentials", "see https://bob:" + urlPassword2 + "@example.org/x", urlPassword2));
        return out;
    }

    private static String pem(Random r) {
        StringBuilder sb = new StringBuilder();
        for (int line = 0; line < 12; line++) {
            sb.append(pick(r, ALNUM + "+/", 64)).append(line < 11 ? "\n" : "");
        }
        return sb.toString();
    }

    static String pick(Random r, String alphabet, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
