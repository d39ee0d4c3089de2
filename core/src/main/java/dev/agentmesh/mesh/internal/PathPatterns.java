package dev.agentmesh.mesh.internal;

import dev.agentmesh.MeshException;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Normalises reservation patterns against the project root and decides whether two patterns overlap.
 *
 * <p>A pattern is relative to the root, uses {@code /}, ends with {@code /} for a folder, and is {@code ./}
 * for the whole project. Glob characters ({@code * ? [ {}) are kept as written.
 */
public final class PathPatterns {
    private PathPatterns() {
    }

    /**
     * @param root the project root (real path)
     * @param cwd  the folder relative paths are resolved against
     * @param raw  what the caller wrote: a file, a folder (with or without a trailing slash) or a glob
     * @return the normalised pattern
     * @throws MeshException (invalid input) if empty, or if it escapes the project (also through a symlink)
     */
    public static String normalise(Path root, Path cwd, String raw) {
        if (raw == null || raw.isBlank()) {
            throw MeshException.invalidInput("reservation path is empty");
        }
        if (raw.indexOf('\0') >= 0) {
            throw MeshException.invalidInput("reservation path '" + raw.replace("\0", "\\0") + "' contains a NUL character");
        }
        String s = raw.strip().replace('\\', '/');
        boolean dirHint = s.endsWith("/");
        int glob = firstGlob(s);
        String literal = glob < 0 ? s : s.substring(0, s.lastIndexOf('/', glob) + 1);
        String globTail = glob < 0 ? "" : s.substring(literal.length());
        if (("/" + globTail + "/").contains("/../")) {
            throw MeshException.invalidInput("pattern '" + raw + "' has '..' after a glob character; write the path without it");
        }
        Path abs = (literal.isEmpty() ? cwd : cwd.resolve(literal)).toAbsolutePath().normalize();
        Path real = realExistingPrefix(abs);
        if (!abs.startsWith(root) || !real.startsWith(root)) {
            throw MeshException.invalidInput("path '" + raw + "' is outside the project " + root);
        }
        // the real path names the file: a symlink alias inside the project leases what it points to
        String rel = root.relativize(real).toString().replace('\\', '/');
        boolean dir = glob < 0 && (dirHint || Files.isDirectory(abs));
        if (glob >= 0) {
            return (rel.isEmpty() ? "" : rel + "/") + globTail;
        }
        if (rel.isEmpty()) {
            return "./";
        }
        return dir ? rel + "/" : rel;
    }

    /** @return true if a path could be matched by both patterns (conservative for two globs) */
    public static boolean overlap(String a, String b) {
        if (a.equals("./") || b.equals("./") || a.equals(b)) {
            return true;
        }
        boolean ga = firstGlob(a) >= 0;
        boolean gb = firstGlob(b) >= 0;
        if (!ga && !gb) {
            return covers(a, b) || covers(b, a);
        }
        if (!ga && mayBecomeFolder(a)) {
            return globOverlapsLiteral(b, a) || globOverlapsLiteral(b, a + "/");
        }
        if (!gb && mayBecomeFolder(b)) {
            return globOverlapsLiteral(a, b) || globOverlapsLiteral(a, b + "/");
        }
        if (ga && gb) {
            String pa = literalPrefix(a);
            String pb = literalPrefix(b);
            return pa.startsWith(pb) || pb.startsWith(pa);
        }
        return globOverlapsLiteral(ga ? a : b, ga ? b : a);
    }

    private static boolean globOverlapsLiteral(String glob, String lit) {
        if (lit.endsWith("/")) {
            String pg = literalPrefix(glob);
            return pg.startsWith(lit) || lit.startsWith(pg);
        }
        return globMatches(glob, lit) || (glob.endsWith("**") && lit.startsWith(literalPrefix(glob)));
    }

    /** Java's {@code **}{@code /} needs at least one folder; a reservation's {@code src/**}{@code /*.js} also means {@code src/a.js}. */
    private static boolean globMatches(String glob, String path) {
        var fs = FileSystems.getDefault();
        return fs.getPathMatcher("glob:" + glob).matches(Path.of(path))
                || (glob.contains("**/") && fs.getPathMatcher("glob:" + glob.replace("**/", "")).matches(Path.of(path)));
    }

    /** @return true if {@code pattern} covers the file or folder {@code path} (both normalised) */
    public static boolean covers(String pattern, String path) {
        if (pattern.equals("./") || pattern.equals(path)) {
            return true;
        }
        if (firstGlob(pattern) >= 0) {
            return globMatches(pattern, path);
        }
        // a path reserved before it exists may become a folder: it covers what goes in it
        return pattern.endsWith("/") ? path.startsWith(pattern) : mayBecomeFolder(pattern) && path.startsWith(pattern + "/");
    }

    /** A literal without a trailing slash whose last name has no dot ({@code newdir}) may be a folder not made yet. */
    private static boolean mayBecomeFolder(String literal) {
        return !literal.endsWith("/") && literal.substring(literal.lastIndexOf('/') + 1).indexOf('.') < 0;
    }

    private static String literalPrefix(String p) {
        int g = firstGlob(p);
        return g < 0 ? p : p.substring(0, g);
    }

    private static int firstGlob(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == '{') {
                return i;
            }
        }
        return -1;
    }

    private static Path realExistingPrefix(Path abs) {
        Path p = abs;
        Path tail = Path.of("");
        while (p != null) {
            if (Files.exists(p)) {
                try {
                    return p.toRealPath().resolve(tail).normalize();
                } catch (IOException e) {
                    return abs;
                }
            }
            tail = p.getFileName() == null ? tail : p.getFileName().resolve(tail);
            p = p.getParent();
        }
        return abs;
    }
}
