package dev.agentmesh.mesh.internal;

import dev.agentmesh.MeshException;

/**
 * A compiled reservation glob, matched without backtracking in time linear in the path.
 *
 * <p>A pattern is a normalised project-relative path with {@code /} separators. Its operators:
 * <ul>
 *   <li>{@code *}: any run of characters except {@code /};</li>
 *   <li>{@code **}: any run of characters including {@code /}; written as a whole name ({@code **}{@code /} at
 *       the start or right after a {@code /}) it also stands for no folder, so {@code src/**}{@code /*.js}
 *       matches {@code src/a.js} and {@code src/x/y/a.js}; a trailing {@code /**} matches everything below;</li>
 *   <li>{@code ?}: one character except {@code /};</li>
 *   <li>{@code [abc]}, {@code [a-z]}, {@code [!a]} or {@code [^a]}: one character of, or not of, the set, never
 *       {@code /}; a {@code ]} right after the {@code [} (or its {@code !}) closes an empty class;</li>
 *   <li>{@code {a,b,c}}: one of the alternatives, which may be empty and may nest.</li>
 * </ul>
 * Everything else, {@code \} included, is a literal; a {@code ,} outside braces is literal too. Characters are
 * compared by code point, so a supplementary character is one character.
 *
 * <p>Limits (limit of agentmesh, issue 5): at most 1,024 code points, at most 256 operators ({@code *},
 * {@code **}, {@code ?}, classes, braces and the commas inside them), braces nested at most 8 deep. A compiled
 * glob has O(length) states; instances are immutable and safe to share between threads.
 */
public final class Glob {
    private static final Nfa DOT_NAME = dotNameAutomaton();

    private final String pattern;
    private final String literalPrefix;
    private final Nfa nfa;
    private final boolean dotSegment;

    private Glob(String pattern, String literalPrefix, Nfa nfa, boolean dotSegment) {
        this.pattern = pattern;
        this.literalPrefix = literalPrefix;
        this.nfa = nfa;
        this.dotSegment = dotSegment;
    }

    /**
     * @param pattern a normalised project-relative glob, e.g. {@code src/**}{@code /*.{js,ts}}
     * @return the compiled glob
     * @throws MeshException (invalid input), one line naming the pattern, the problem and its 1-based column:
     *                       an empty or null pattern, over 1,024 code points, over 256 operators, braces nested
     *                       over 8 deep, a {@code [} or <code>&#123;</code> never closed, a <code>&#125;</code> with no
     *                       <code>&#123;</code>, a {@code /} inside a class, an empty class ({@code []}, {@code [!]}), a
     *                       reversed range ({@code [z-a]})
     */
    public static Glob compile(String pattern) {
        Nfa nfa = GlobSyntax.parse(pattern, false);
        boolean dot = Nfa.intersect(GlobSyntax.parse(pattern, true), DOT_NAME);
        return new Glob(pattern, prefixOf(pattern), nfa, dot);
    }

    /** @return a glob for everything that starts with {@code prefix}, taken literally (for patterns that do not compile) */
    static Glob anythingUnder(String prefix) {
        return new Glob(prefix + "**", prefix, GlobSyntax.prefixThenAnything(prefix), false);
    }

    /**
     * @param path a normalised project-relative path, e.g. {@code src/a.js}; a folder may end with {@code /}
     * @return true if the whole path is matched; costs O(path length x states), never exponential
     * @throws NullPointerException if {@code path} is null
     */
    public boolean matches(String path) {
        return nfa.accepts(path);
    }

    /**
     * @param folderPrefix the start of a path, usually a folder ending with {@code /}, e.g. {@code src/}
     * @return true if some path starting with {@code folderPrefix} (the prefix itself included) is matched;
     *         costs O(prefix length x states)
     * @throws NullPointerException if {@code folderPrefix} is null
     */
    public boolean matchesSomethingUnder(String folderPrefix) {
        int[] states = nfa.after(folderPrefix);
        return states.length > 0 && nfa.canAcceptFrom(states);
    }

    /**
     * @return true if some path is matched by both globs, e.g. {@code src/*.js} and {@code src/a*}, but not
     *         {@code src/*.js} and {@code src/*.ts}; exact, and visits at most states(a) x states(b) pairs
     * @throws NullPointerException if either glob is null
     */
    public static boolean intersects(Glob a, Glob b) {
        return Nfa.intersect(a.nfa, b.nfa);
    }

    /**
     * Whether the pattern spells a {@code .} or {@code ..} name, such as {@code {..,x}/secret},
     * {@code [.][.]/s}, {@code ?./etc} or {@code *}{@code /../x}: a path with that name would leave its folder.
     *
     * <p>A name that a {@code *} or {@code **} takes part in does not count, although those could match
     * {@code ..}: otherwise every {@code src/**} would count. This is the rule of bash's {@code globskipdots};
     * {@code ?}, classes, alternatives and literals do count.
     *
     * @return true if some matched path has a {@code .} or {@code ..} name made without a wildcard run
     */
    public boolean canMatchDotSegment() {
        return dotSegment;
    }

    /**
     * @return the pattern up to its first operator ({@code * ? [} and <code>&#123;</code>), e.g. {@code src/a} for
     *         {@code src/a*.js}; empty if it starts with one, the whole pattern if it has none
     */
    public String literalPrefix() {
        return literalPrefix;
    }

    /** @return the pattern as compiled */
    public String pattern() {
        return pattern;
    }

    /** @return the pattern as compiled */
    @Override
    public String toString() {
        return pattern;
    }

    private static String prefixOf(String pattern) {
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == '{') {
                return pattern.substring(0, i);
            }
        }
        return pattern;
    }

    /**
     * Paths with a name that is exactly {@code .} or {@code ..}, over code points and {@link Nfa#MARK}. States:
     * 0 at the start of a name, 1 after {@code .}, 2 after {@code ..}, 3 inside another name, 4 found one.
     */
    private static Nfa dotNameAutomaton() {
        int max = Character.MAX_CODE_POINT;
        int[] dot = {'.', '.'};
        int[] slash = {'/', '/'};
        int[] other = {Nfa.MARK, '.' - 1, '/' + 1, max};
        int[] notSlash = {Nfa.MARK, '.', '/' + 1, max};
        int[] every = {Nfa.MARK, max};
        Nfa.Builder b = new Nfa.Builder();
        int[] s = {b.state(), b.state(), b.state(), b.state(), b.state()};
        int accept = b.state();
        b.edge(s[0], dot, s[1]);
        b.edge(s[0], slash, s[0]);
        b.edge(s[0], other, s[3]);
        b.edge(s[1], dot, s[2]);
        b.edge(s[1], slash, s[4]);
        b.edge(s[1], other, s[3]);
        b.edge(s[2], slash, s[4]);
        b.edge(s[2], notSlash, s[3]);
        b.edge(s[3], slash, s[0]);
        b.edge(s[3], notSlash, s[3]);
        b.edge(s[4], every, s[4]);
        // a path may also end right after the '.' or '..' name
        b.epsilon(s[1], accept);
        b.epsilon(s[2], accept);
        b.epsilon(s[4], accept);
        return b.build(s[0], accept);
    }
}
