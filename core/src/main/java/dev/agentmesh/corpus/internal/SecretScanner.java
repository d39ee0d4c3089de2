package dev.agentmesh.corpus.internal;

import java.util.Locale;
import java.util.Set;

/**
 * The single left-to-right pass behind {@code Redactor.redact}: the text is cut into words (runs of
 * {@code [A-Za-z0-9_-]}) and each word is tried once against every kind of secret, looking ahead only over the next
 * few words or the rest of the line. A look-ahead that matches is consumed by its marker; one that does not is read
 * again as ordinary words, at most once more, so the pass is linear in the text's length. No regular expression is
 * used, so no input can make it backtrack. Not thread-safe; one instance per call.
 */
public final class SecretScanner {
    /** What every redaction starts with; a value that already starts with it is left alone (idempotence). */
    public static final String MARKER_PREFIX = "[REDACTED:";

    /** Prefixed API keys: prefix, shortest remainder, kind. */
    private static final String[][] PREFIXES = {
            {"sk-ant-", "20", "anthropic-key"},
            {"sk-", "20", "openai-key"},
            {"sk_live_", "16", "stripe-key"}, {"sk_test_", "16", "stripe-key"},
            {"rk_live_", "16", "stripe-key"}, {"rk_test_", "16", "stripe-key"},
            {"AKIA", "16", "aws-key"}, {"ASIA", "16", "aws-key"},
            {"github_pat_", "20", "github-token"},
            {"ghp_", "20", "github-token"}, {"gho_", "20", "github-token"}, {"ghu_", "20", "github-token"},
            {"ghs_", "20", "github-token"}, {"ghr_", "20", "github-token"},
            {"xoxb-", "10", "slack-token"}, {"xoxa-", "10", "slack-token"}, {"xoxp-", "10", "slack-token"},
            {"xoxr-", "10", "slack-token"}, {"xoxs-", "10", "slack-token"}, {"xapp-", "10", "slack-token"},
            {"AIza", "30", "google-api-key"},
            {"glpat-", "20", "gitlab-token"},
            {"hf_", "30", "huggingface-token"},
            {"npm_", "30", "npm-token"},
    };

    /** Name parts that make a {@code KEY=VALUE} line or a JSON field a secret whatever its value. */
    private static final Set<String> SECRET_PARTS = Set.of("secret", "secrets", "token", "password",
            "passwords", "passwd", "pwd", "pass", "passphrase", "credential", "credentials", "apikey", "auth",
            "authorization", "cookie", "sessionid");
    /** Parts that, just before a {@code key} part, make it a secret ({@code API_KEY}, {@code aws_access_key}). */
    private static final Set<String> KEY_QUALIFIERS = Set.of("api", "access", "private", "secret", "signing",
            "encryption", "master", "license", "service", "account", "app", "client", "consumer", "deploy", "ssh",
            "session", "admin", "root", "webhook");
    /** Substrings of a name that make a long high-entropy value after it a secret (anywhere in a text). */
    private static final String[] LOOSE_NAMES = {"secret", "token", "passw", "pwd", "credential", "apikey", "api_key",
            "api-key", "accesskey", "access_key", "access-key", "privatekey", "private_key", "private-key", "auth"};

    /** Longest name read as the key of an assignment, in characters. */
    private static final int MAX_NAME = 128;

    private final String s;
    private final int n;
    private StringBuilder out;
    private int copied;
    private int pemEndFrom = -1;
    private int pemEndAt = -1;

    private SecretScanner(String s) {
        this.s = s;
        this.n = s.length();
    }

    /** @return {@code text} with every secret found replaced by {@code [REDACTED:kind]}; {@code text} itself when none */
    public static String scan(String text) {
        return new SecretScanner(text).run();
    }

    /**
     * @return whether a field or variable of this name holds a secret whatever its value: its last part (split at
     *         {@code _ - .} and camel case) is one of {@code secret, token, password, passwd, pwd, pass, credential,
     *         apikey, auth, authorization, cookie, ...}, or {@code key} after {@code api, access, private, secret, ...}
     *         ({@code DB_PASSWORD}, {@code apiKey}, {@code AWS_SECRET_ACCESS_KEY}; not {@code tokenPath} or {@code max_tokens})
     */
    public static boolean namesSecret(String name) {
        String prev = "";
        String last = "";
        int start = 0;
        for (int i = 1; i <= name.length(); i++) {
            boolean cut = i == name.length() || "_-.".indexOf(name.charAt(i)) >= 0
                    || (Character.isUpperCase(name.charAt(i)) && Character.isLowerCase(name.charAt(i - 1)));
            if (!cut) {
                continue;
            }
            String part = name.substring(start, i).toLowerCase(Locale.ROOT);
            if (!part.isEmpty()) {
                prev = last;
                last = part;
            }
            start = i < name.length() && "_-.".indexOf(name.charAt(i)) >= 0 ? i + 1 : i;
        }
        return SECRET_PARTS.contains(last) || ((last.equals("key") || last.equals("keys")) && KEY_QUALIFIERS.contains(prev));
    }

    private String run() {
        int i = 0;
        boolean lineStart = true;
        while (i < n) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\r') {
                lineStart = true;
                i++;
            } else if (c == '\\' && i + 1 < n && "nrt".indexOf(s.charAt(i + 1)) >= 0) {
                lineStart = s.charAt(i + 1) != 't'; // a written-out \n (JSON, a log line) ends a line too
                i += 2;
            } else if (!isWord(c)) {
                lineStart = false;
                i++;
            } else {
                i = word(i, wordEnd(i), lineStart);
                lineStart = false;
            }
        }
        if (out == null) {
            return s;
        }
        return out.append(s, copied, n).toString();
    }

    /** Tries each kind of secret on the word {@code [i, j)}; @return where to go on */
    private int word(int i, int j, boolean lineStart) {
        int r;
        if (s.startsWith("-----BEGIN", i) && j - i == 10 && (r = pem(i, j)) >= 0) {
            return r;
        }
        if (lineStart) {
            if (j - i == 6 && s.startsWith("export ", i) && j + 1 < n && isWord(s.charAt(j + 1))) {
                int k = j + 1;
                return (r = envLine(k, wordEnd(k))) >= 0 ? r : j;
            }
            if ((r = envLine(i, j)) >= 0) {
                return r;
            }
        } else if ((r = envInline(i, j)) >= 0) {
            return r;
        }
        String kind = prefixed(i, j);
        if (kind != null) {
            return redact(i, j, kind);
        }
        if (s.startsWith("eyJ", i) && (r = jwt(i, j)) >= 0) {
            return r;
        }
        if (s.startsWith("://", j)) {
            return url(j);
        }
        if (j - i == 6 && s.regionMatches(true, i, "bearer", 0, 6)) {
            return (r = bearer(j)) >= 0 ? r : j;
        }
        if (isAuthorization(i, j)) {
            return (r = header(j)) >= 0 ? r : j;
        }
        if (i > 0 && s.charAt(i - 1) == '"' && (r = jsonField(i, j)) >= 0) {
            return r;
        }
        if (looseName(i, dottedEnd(j))) {
            return (r = assignment(dottedEnd(j))) >= 0 ? r : j;
        }
        return j;
    }

    /** {@code KEY=value} (any value) or {@code key: value} (one token) at the start of a line, the key naming a secret. */
    private int envLine(int i, int j) {
        int k = dottedEnd(j);
        char first = s.charAt(i);
        if (k >= n || k - i > MAX_NAME || !(Character.isLetter(first) || first == '_') || !namesSecret(s.substring(i, k))) {
            return -1;
        }
        if (s.charAt(k) == '=') {
            int v = k + 1;
            if (s.startsWith(MARKER_PREFIX, v)) {
                return k; // redacted before: the key is done with, as it was the first time
            }
            int e = lineEnd(v);
            return e > v ? redact(v, e, "secret") : -1;
        }
        if (s.charAt(k) == ':' && k + 1 < n && s.charAt(k + 1) == ' ') {
            int v = skipBlanks(k + 1);
            if (s.startsWith(MARKER_PREFIX, v)) {
                return k;
            }
            int e = lineEnd(v);
            for (int t = v; t < e; t++) {
                if (Character.isWhitespace(s.charAt(t))) {
                    return -1; // prose ("Password: see the vault"), not a value
                }
            }
            return e > v ? redact(v, e, "secret") : -1;
        }
        return -1;
    }

    /**
     * {@code UPPER_SNAKE=value} inside a line (a shell command, a quoted {@code .env} text), the key naming a secret:
     * the value to the next blank, quote, backslash or shell separator.
     */
    private int envInline(int i, int j) {
        if (j + 1 >= n || s.charAt(j) != '=' || s.charAt(j + 1) == '=' || j - i > MAX_NAME) {
            return -1;
        }
        boolean letter = false;
        for (int k = i; k < j; k++) {
            char c = s.charAt(k);
            if (!(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_')) {
                return -1;
            }
            letter |= c >= 'A' && c <= 'Z';
        }
        if (!letter || !namesSecret(s.substring(i, j))) {
            return -1;
        }
        if (s.startsWith(MARKER_PREFIX, j + 1)) {
            return j;
        }
        int e = j + 1;
        while (e < n && !Character.isWhitespace(s.charAt(e)) && "\"'`\\;&|),".indexOf(s.charAt(e)) < 0) {
            e++;
        }
        return e > j + 1 ? redact(j + 1, e, "secret") : -1;
    }

    private String prefixed(int i, int j) {
        for (String[] p : PREFIXES) {
            String prefix = p[0];
            if (s.startsWith(prefix, i) && j - i - prefix.length() >= Integer.parseInt(p[1])
                    && mixed(i + prefix.length(), j, prefix.startsWith("A") && !prefix.equals("AIza"))) {
                return p[2];
            }
        }
        return null;
    }

    /** @return whether {@code [from, to)} has a digit and a letter (upper case and digits only when {@code upperOnly}) */
    private boolean mixed(int from, int to, boolean upperOnly) {
        boolean digit = false;
        boolean letter = false;
        for (int k = from; k < to; k++) {
            char c = s.charAt(k);
            if (upperOnly && !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9')) {
                return false;
            }
            digit |= c >= '0' && c <= '9';
            letter |= Character.isLetter(c);
        }
        return digit && letter;
    }

    /** A JWT: {@code eyJ...} dot {@code eyJ...} dot signature (base64url), the first two at least 10 characters. */
    private int jwt(int i, int j) {
        if (j - i < 10 || j + 1 >= n || s.charAt(j) != '.' || !s.startsWith("eyJ", j + 1)) {
            return -1;
        }
        int j2 = wordEnd(j + 1);
        if (j2 - (j + 1) < 10 || j2 >= n || s.charAt(j2) != '.') {
            return -1;
        }
        int j3 = j2 + 1 < n && isWord(s.charAt(j2 + 1)) ? wordEnd(j2 + 1) : j2 + 1;
        return redact(i, j3, "jwt");
    }

    /** {@code scheme://user:password@host}: {@code user:password} goes. */
    private int url(int j) {
        int start = j + 3;
        int k = start;
        while (k < n && "/?#@\"'<>`\\".indexOf(s.charAt(k)) < 0 && !Character.isWhitespace(s.charAt(k))) {
            k++;
        }
        if (k < n && s.charAt(k) == '@') {
            for (int colon = start; colon + 1 < k; colon++) {
                boolean markers = colon >= start + 9 && s.startsWith(MARKER_PREFIX, colon - 9);
                if (s.charAt(colon) == ':' && !markers) {
                    return redact(start, k, "url-credentials"); // the user name too: it is often a token itself
                }
            }
        }
        return start;
    }

    private int bearer(int j) {
        int v = j;
        while (v < n && v - j < 4 && (s.charAt(v) == ' ' || s.charAt(v) == '\t')) {
            v++;
        }
        if (v == j) {
            return -1;
        }
        int e = tokenEnd(v);
        boolean digit = false;
        for (int k = v; k < e && !digit; k++) {
            digit = Character.isDigit(s.charAt(k));
        }
        return e - v >= 20 || (e - v >= 8 && digit) ? redact(v, e, "bearer") : -1;
    }

    private boolean isAuthorization(int i, int j) {
        return (j - i == 13 && s.regionMatches(true, i, "authorization", 0, 13))
                || (j - i == 19 && s.regionMatches(true, i, "proxy-authorization", 0, 19));
    }

    /** An {@code Authorization} header (or field): its whole value to the end of the line or the closing quote. */
    private int header(int j) {
        int v = separator(j);
        if (v < 0 || s.startsWith(MARKER_PREFIX, v)) {
            return -1;
        }
        int e = v;
        while (e < n && "\n\r\"'`\\".indexOf(s.charAt(e)) < 0) {
            e++;
        }
        while (e > v && Character.isWhitespace(s.charAt(e - 1))) {
            e--;
        }
        return e > v ? redact(v, e, "authorization") : -1;
    }

    /** {@code "name": "value"} (JSON in a text), the name naming a secret: the whole string value goes. */
    private int jsonField(int i, int j) {
        int k = dottedEnd(j);
        if (k >= n || s.charAt(k) != '"' || k - i > MAX_NAME || !namesSecret(s.substring(i, k))) {
            return -1;
        }
        int colon = skipBlanks(k + 1);
        int open = colon < n && s.charAt(colon) == ':' ? skipBlanks(colon + 1) : n;
        if (open >= n || s.charAt(open) != '"') {
            return -1;
        }
        int v = open + 1;
        if (s.startsWith(MARKER_PREFIX, v)) {
            return k; // redacted before: the name is done with, as it was the first time
        }
        int e = v;
        while (e < n && s.charAt(e) != '"' && s.charAt(e) != '\n') {
            e += s.charAt(e) == '\\' ? 2 : 1;
        }
        e = Math.min(e, n);
        return e > v ? redact(v, e, "secret") : -1;
    }

    /** {@code name = value} / {@code "name": "value"} anywhere: the value goes when it is long and high-entropy. */
    private int assignment(int j) {
        int v = separator(j);
        if (v < 0) {
            return -1;
        }
        int e = tokenEnd(v);
        return highEntropy(v, e) && !pathLike(v, e) ? redact(v, e, "secret") : -1;
    }

    /** @return the start of the value after a name ending at {@code j}: quote? blanks? (= | : | := | =>) blanks? quote?; -1 if none */
    private int separator(int j) {
        int k = j;
        if (k < n && (s.charAt(k) == '"' || s.charAt(k) == '\'')) {
            k++;
        }
        k = skipBlanks(k);
        if (k >= n || (s.charAt(k) != '=' && s.charAt(k) != ':')) {
            return -1;
        }
        char sep = s.charAt(k++);
        if (k < n && sep == '=' && s.charAt(k) == '=') {
            return -1; // a comparison, not an assignment
        }
        if (k < n && ((sep == ':' && s.charAt(k) == '=') || (sep == '=' && s.charAt(k) == '>'))) {
            k++;
        }
        k = skipBlanks(k);
        if (k < n && "\"'`".indexOf(s.charAt(k)) >= 0) {
            k++;
        }
        return k;
    }

    private boolean highEntropy(int from, int to) {
        if (to - from < 16) {
            return false;
        }
        int[] counts = new int[128];
        boolean digit = false;
        boolean letter = false;
        for (int k = from; k < to; k++) {
            char c = s.charAt(k);
            counts[c & 127]++;
            digit |= c >= '0' && c <= '9';
            letter |= Character.isLetter(c);
        }
        if (!digit || !letter) {
            return false;
        }
        double bits = 0;
        for (int c : counts) {
            if (c > 0) {
                double p = (double) c / (to - from);
                bits -= p * Math.log(p) / Math.log(2);
            }
        }
        return bits >= 3.0;
    }

    /** A file path ({@code /a/b}, {@code ./a}, {@code ~/a}) whose segments are not themselves random tokens. */
    private boolean pathLike(int from, int to) {
        if (!(s.startsWith("/", from) || s.startsWith("./", from) || s.startsWith("../", from) || s.startsWith("~/", from))) {
            return false;
        }
        int seg = from;
        for (int k = from; k <= to; k++) {
            if (k == to || s.charAt(k) == '/') {
                if (highEntropy(seg, k)) {
                    return false;
                }
                seg = k + 1;
            }
        }
        return true;
    }

    private boolean looseName(int i, int j) {
        if (j - i > MAX_NAME) {
            return false;
        }
        String w = s.substring(i, j).toLowerCase(Locale.ROOT);
        for (String name : LOOSE_NAMES) {
            int at = w.indexOf(name);
            if (at >= 0 && !(name.equals("auth") && w.startsWith("author", at))) {
                return true;
            }
        }
        return false;
    }

    /** A PEM private key, {@code -----BEGIN ... PRIVATE KEY-----} to its {@code -----END ...-----} line (or the key body). */
    private int pem(int i, int j) {
        if (j >= n || s.charAt(j) != ' ') {
            return -1;
        }
        int k = j + 1;
        while (k < n && k - j <= 60 && (Character.isUpperCase(s.charAt(k)) || Character.isDigit(s.charAt(k)) || s.charAt(k) == ' ')) {
            k++;
        }
        if (!s.startsWith("-----", k) || s.substring(j + 1, k).indexOf("PRIVATE KEY") < 0) {
            return -1;
        }
        int end = nextPemEnd(k + 5);
        if (end >= 0) {
            for (int close = end + 9; close < n && close - end <= 80; close++) {
                if (s.startsWith("-----", close)) {
                    return redact(i, close + 5, "private-key");
                }
            }
        }
        int e = k + 5;
        while (e < n && (isWord(s.charAt(e)) || "+/=:,\r\n\\".indexOf(s.charAt(e)) >= 0)) {
            e++;
        }
        return redact(i, e, "private-key");
    }

    /** @return the next {@code -----END } at or after {@code from}, or -1; remembered, so repeated searches stay linear */
    private int nextPemEnd(int from) {
        if (pemEndFrom < 0 || from < pemEndFrom || (pemEndAt >= 0 && pemEndAt < from)) {
            pemEndFrom = from;
            pemEndAt = s.indexOf("-----END ", from);
        }
        return pemEndAt;
    }

    private int redact(int from, int to, String kind) {
        if (out == null) {
            out = new StringBuilder(n);
        }
        out.append(s, copied, from).append(MARKER_PREFIX).append(kind).append(']');
        copied = to;
        return to;
    }

    private int wordEnd(int i) {
        int k = i;
        while (k < n && isWord(s.charAt(k))) {
            k++;
        }
        return k;
    }

    /**
     * @return the end of a name that may go on with {@code .part}s ({@code spring.datasource.password}), read at most
     *         {@value #MAX_NAME} characters on (a longer name is no key), so a long dotted chain is not read again and again
     */
    private int dottedEnd(int j) {
        int k = j;
        while (k + 1 < n && s.charAt(k) == '.' && isWord(s.charAt(k + 1))) {
            for (k++; k < n && isWord(s.charAt(k)); k++) {
                if (k - j > MAX_NAME) {
                    return k;
                }
            }
        }
        return k;
    }

    /**
     * @return the end of a token: base64, base64url, hex, JWT and opaque tokens ({@code [A-Za-z0-9_-.+/~]}, then at
     *         most two {@code =} of padding). As {@code =} ends a token, a token never holds {@code name=}: the look-aheads
     *         of two assignments never overlap
     */
    private int tokenEnd(int v) {
        int k = v;
        while (k < n && (isWord(s.charAt(k)) || ".+/~".indexOf(s.charAt(k)) >= 0)) {
            k++;
        }
        for (int pad = 0; pad < 2 && k < n && s.charAt(k) == '='; pad++) {
            k++;
        }
        return k;
    }

    private int lineEnd(int v) {
        int k = v;
        while (k < n && s.charAt(k) != '\n' && s.charAt(k) != '\r'
                && !(s.charAt(k) == '\\' && k + 1 < n && (s.charAt(k + 1) == 'n' || s.charAt(k + 1) == 'r'))) {
            k++;
        }
        while (k > v && (s.charAt(k - 1) == ' ' || s.charAt(k - 1) == '\t')) {
            k--;
        }
        return k;
    }

    private int skipBlanks(int k) {
        int start = k;
        while (k < n && k - start < 8 && (s.charAt(k) == ' ' || s.charAt(k) == '\t')) {
            k++;
        }
        return k;
    }

    private static boolean isWord(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    }
}
