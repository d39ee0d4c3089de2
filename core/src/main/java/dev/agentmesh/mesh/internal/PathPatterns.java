package dev.agentmesh.mesh.internal;

import dev.agentmesh.MeshException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Normalises reservation patterns against the project root and decides whether two patterns overlap.
 *
 * <p>A pattern is relative to the root, uses {@code /}, ends with {@code /} for a folder, and is {@code ./}
 * for the whole project. Glob characters ({@code * ? [} and <code>&#123;</code>) are kept as written and matched by {@link Glob};
 * a glob ending with {@code /} stands for the folders it matches and everything in them.
 */
public final class PathPatterns {
    /** Longest reservation path, in code points: limit of agentmesh, issue 5. */
    static final int MAX_LENGTH = 1024;

    private static final int CACHE_SIZE = 4096;
    /** A reservation check compares one pattern with every live lease, so stored globs are compiled once. */
    private static final Map<String, Glob> STORED = Collections.synchronizedMap(
            new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Glob> eldest) {
                    return size() > CACHE_SIZE;
                }
            });

    private PathPatterns() {
    }

    /**
     * @param root the project root (real path)
     * @param cwd  the folder relative paths are resolved against
     * @param raw  what the caller wrote: a file, a folder (with or without a trailing slash) or a glob
     * @return the normalised pattern
     * @throws MeshException (invalid input) if empty, over 1,024 code points, if it has a control character
     *                       (U+0000 to U+001F, U+007F) or an unpaired surrogate, if its glob is malformed (see
     *                       {@link Glob#compile}), if its glob could match a {@code .} or {@code ..} name, or if it
     *                       escapes the project (also through a symlink)
     */
    public static String normalise(Path root, Path cwd, String raw) {
        if (raw == null || raw.isBlank()) {
            throw MeshException.invalidInput("reservation path is empty");
        }
        String s = checkCharacters(raw.strip()).replace('\\', '/');
        String shown = GlobSyntax.show(raw.strip());
        boolean dirHint = s.endsWith("/");
        int glob = firstGlob(s);
        String literal = glob < 0 ? s : s.substring(0, s.lastIndexOf('/', glob) + 1);
        String globTail = glob < 0 ? "" : s.substring(literal.length());
        if (("/" + globTail + "/").contains("/../")) {
            throw MeshException.invalidInput("pattern '" + shown + "' has '..' after a glob character; write the path without it");
        }
        if (glob >= 0) {
            // refused before it is stored, with columns as the caller wrote it; only the tail after the literal
            // folders can spell a '.' or '..' name that normalising the folders did not remove
            Glob.compile(s);
            if (Glob.compile(globTail).canMatchDotSegment()) {
                throw MeshException.invalidInput("pattern '" + shown + "' could match '..' or '.'; write the path without it");
            }
        }
        Path abs = (literal.isEmpty() ? cwd : cwd.resolve(literal)).toAbsolutePath().normalize();
        Path real = realExistingPrefix(abs);
        if (!abs.startsWith(root) || !real.startsWith(root)) {
            throw MeshException.invalidInput("path '" + shown + "' is outside the project " + root);
        }
        // the real path names the file: a symlink alias inside the project leases what it points to
        String rel = root.relativize(real).toString().replace('\\', '/');
        boolean dir = glob < 0 && (dirHint || Files.isDirectory(abs));
        if (glob >= 0) {
            String pattern = (rel.isEmpty() ? "" : rel + "/") + globTail;
            // a symlink may resolve to a name with glob characters; the stored pattern must still compile
            Glob.compile(pattern);
            return pattern;
        }
        if (rel.isEmpty()) {
            return "./";
        }
        return dir ? rel + "/" : rel;
    }

    /**
     * @return true if some path could be matched by both patterns; exact for globs. A stored glob that does not
     *         compile (one reserved before globs were checked) counts as everything under its literal prefix.
     */
    public static boolean overlap(String a, String b) {
        if (a.equals("./") || b.equals("./") || a.equals(b)) {
            return true;
        }
        boolean ga = firstGlob(a) >= 0;
        boolean gb = firstGlob(b) >= 0;
        if (!ga && !gb) {
            return covers(a, b) || covers(b, a);
        }
        if (ga && gb) {
            return Glob.intersects(stored(a), stored(b));
        }
        Glob g = stored(ga ? a : b);
        String lit = ga ? b : a;
        if (lit.endsWith("/")) {
            return g.matchesSomethingUnder(lit);
        }
        return g.matches(lit) || mayBecomeFolder(lit) && g.matchesSomethingUnder(lit + "/");
    }

    /** @return true if {@code pattern} covers the file or folder {@code path} (both normalised) */
    public static boolean covers(String pattern, String path) {
        if (pattern.equals("./") || pattern.equals(path)) {
            return true;
        }
        if (firstGlob(pattern) >= 0) {
            return stored(pattern).matches(path);
        }
        // a path reserved before it exists may become a folder: it covers what goes in it
        return pattern.endsWith("/") ? path.startsWith(pattern) : mayBecomeFolder(pattern) && path.startsWith(pattern + "/");
    }

    /** A literal without a trailing slash whose last name has no dot ({@code newdir}) may be a folder not made yet. */
    private static boolean mayBecomeFolder(String literal) {
        return !literal.endsWith("/") && literal.substring(literal.lastIndexOf('/') + 1).indexOf('.') < 0;
    }

    /** Never throws: a pattern stored before globs were checked may not compile, and must not break other leases. */
    private static Glob stored(String pattern) {
        return STORED.computeIfAbsent(pattern, p -> {
            try {
                return Glob.compile(p.endsWith("/") ? p + "**" : p);
            } catch (MeshException e) {
                return Glob.anythingUnder(p.substring(0, firstGlob(p)));
            }
        });
    }

    /** @return {@code s} if it is short enough and has no control character or lone surrogate */
    private static String checkCharacters(String s) {
        int length = s.codePointCount(0, s.length());
        if (length > MAX_LENGTH) {
            throw MeshException.invalidInput("reservation path '" + GlobSyntax.show(s) + "' has " + length
                    + " characters; the limit is " + MAX_LENGTH);
        }
        int column = 1;
        for (int i = 0; i < s.length(); column++) {
            int c = s.codePointAt(i);
            boolean control = c < 0x20 || c == 0x7f;
            if (control || (c <= 0xFFFF && Character.isSurrogate((char) c))) {
                throw MeshException.invalidInput("reservation path '" + GlobSyntax.show(s) + "' has "
                        + (control ? "a control character " : "an unpaired surrogate ") + GlobSyntax.escape(c)
                        + " at column " + column + "; remove it");
            }
            i += Character.charCount(c);
        }
        return s;
    }

    static int firstGlob(String s) {
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
