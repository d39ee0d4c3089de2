package dev.agentmesh.api;

import dev.agentmesh.MeshException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.List;

/** Reads action parameters from a JSON object, with one-line errors naming the parameter and the bad value. */
final class Args {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Args() {
    }

    static String str(JsonNode a, String key, boolean required) {
        JsonNode v = a.get(key);
        if (v == null || v.isNull() || (v.isString() && v.asString().isBlank())) {
            if (required) {
                throw MeshException.invalidInput("parameter '" + key + "' is required");
            }
            return null;
        }
        if (!v.isString() && !v.isNumber() && !v.isBoolean()) {
            throw MeshException.invalidInput("parameter '" + key + "' must be a string, not " + v);
        }
        return v.asString();
    }

    static List<String> strList(JsonNode a, String key, boolean required) {
        JsonNode v = a.get(key);
        List<String> out = new ArrayList<>();
        if (v != null && v.isArray()) {
            for (JsonNode e : v) {
                if (!e.isString()) {
                    throw MeshException.invalidInput("parameter '" + key + "' must hold strings, not " + e);
                }
                out.add(e.asString());
            }
        } else if (v != null && v.isString() && !v.asString().isBlank()) {
            String s = v.asString().strip();
            if (s.startsWith("[")) {
                try {
                    return strList(JSON.readTree("{\"v\":" + s + "}"), "v", required);
                } catch (MeshException e) {
                    throw e;
                } catch (Exception e) {
                    throw MeshException.invalidInput("parameter '" + key + "' is not a valid JSON array: " + s);
                }
            }
            for (String part : s.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.strip());
                }
            }
        } else if (v != null && !v.isNull() && !v.isString()) {
            throw MeshException.invalidInput("parameter '" + key + "' must be a string or an array of strings, not " + v);
        }
        if (required && out.isEmpty()) {
            throw MeshException.invalidInput("parameter '" + key + "' is required");
        }
        return out;
    }

    static int integer(JsonNode a, String key, int dflt) {
        JsonNode v = a.get(key);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (v.isIntegralNumber() && v.canConvertToInt()) {
            return v.asInt();
        }
        if (v.isString() && v.asString().strip().matches("-?\\d{1,9}")) {
            return Integer.parseInt(v.asString().strip());
        }
        throw MeshException.invalidInput("parameter '" + key + "' must be an integer, not " + v);
    }

    static Long longArg(JsonNode a, String key) {
        JsonNode v = a.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.asLong();
        }
        String s = v.isString() ? v.asString().strip().replaceFirst("^#", "") : "";
        if (s.matches("\\d{1,18}")) {
            return Long.parseLong(s);
        }
        throw MeshException.invalidInput("parameter '" + key + "' must be a message id, not " + v);
    }

    /** @return the number {@code key} (a JSON number or a numeric string), or null when absent or null */
    static Double number(JsonNode a, String key) {
        JsonNode v = a.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isNumber() && Double.isFinite(v.asDouble())) {
            return v.asDouble();
        }
        if (v.isString() && v.asString().strip().matches("-?\\d{1,15}(\\.\\d{1,12})?")) {
            return Double.parseDouble(v.asString().strip());
        }
        throw MeshException.invalidInput("parameter '" + key + "' must be a number, not " + dev.agentmesh.Texts.oneLine(v.toString(), 40));
    }

    static boolean bool(JsonNode a, String key) {
        JsonNode v = a.get(key);
        if (v == null || v.isNull()) {
            return false;
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isString() && v.asString().matches("(?i)true|false")) {
            return Boolean.parseBoolean(v.asString());
        }
        throw MeshException.invalidInput("parameter '" + key + "' must be true or false, not " + v);
    }

    /** @return parameter {@code key} as message ids: a number, a string ("12" or "#12"), or an array of them; required */
    static List<Long> ids(JsonNode a, String key) {
        JsonNode v = a.get(key);
        List<Long> out = new ArrayList<>();
        for (JsonNode e : v != null && v.isArray() ? v : (v == null ? JSON.createArrayNode() : JSON.createArrayNode().add(v))) {
            if (e.isIntegralNumber() && e.canConvertToLong() && e.asLong() > 0) {
                out.add(e.asLong());
            } else if (e.isString()) {
                out.add(longValue(key, e.asString()));
            } else {
                throw MeshException.invalidInput("parameter '" + key + "' must hold message ids, not " + dev.agentmesh.Texts.quote(e.toString(), 40));
            }
        }
        if (out.isEmpty()) {
            throw MeshException.invalidInput("parameter '" + key + "' is required");
        }
        return out;
    }

    /** @return {@code s} as a message id (an optional leading '#'), for parameter {@code key} */
    static long longValue(String key, String s) {
        String v = s.strip().replaceFirst("^#", "");
        if (v.matches("\\d{1,18}")) {
            return Long.parseLong(v);
        }
        throw MeshException.invalidInput("parameter '" + key + "' must hold message ids, not '" + dev.agentmesh.Texts.quote(s, 40) + "'");
    }
}
