package dev.agentmesh.mesh.internal;

import dev.agentmesh.MeshException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Parses a glob and builds its Thompson NFA; each refusal is one line naming the pattern, problem and column. */
final class GlobSyntax {
    /** Longest pattern, in code points: limit of agentmesh, issue 5. */
    static final int MAX_LENGTH = 1024;
    /** Most wildcards, classes, braces and brace commas in one pattern: limit of agentmesh, issue 5. */
    static final int MAX_OPERATORS = 256;
    /** Deepest brace nesting: limit of agentmesh, issue 5. */
    static final int MAX_DEPTH = 8;

    private static final int MAX = Character.MAX_CODE_POINT;
    private static final int[] NAME_CHAR = {0, '/' - 1, '/' + 1, MAX};
    private static final int[] SLASH = {'/', '/'};
    private static final int[] MARK = {Nfa.MARK, Nfa.MARK};
    private static final int SHOWN = 160;

    private final String pattern;
    private final int[] cps;
    private final boolean marked;
    private final Nfa.Builder nfa = new Nfa.Builder();
    private int pos;
    private int operators;

    private GlobSyntax(String pattern, boolean marked) {
        this.pattern = pattern;
        this.cps = pattern.codePoints().toArray();
        this.marked = marked;
    }

    /**
     * @param marked true for the checking automaton, in which a wildcard emits {@link Nfa#MARK} into every name
     *               it touches, so that a name containing a wildcard is never read as {@code .} or {@code ..}
     * @throws MeshException (invalid input) for a pattern that is empty, too long or malformed
     */
    static Nfa parse(String pattern, boolean marked) {
        if (pattern == null || pattern.isEmpty()) {
            throw MeshException.invalidInput("glob pattern is empty");
        }
        GlobSyntax p = new GlobSyntax(pattern, marked);
        if (p.cps.length > MAX_LENGTH) {
            throw p.invalid("has " + p.cps.length + " characters; the limit is " + MAX_LENGTH);
        }
        int start = p.nfa.state();
        int end = p.sequence(start, 0);
        return p.nfa.build(start, end);
    }

    /** @return an automaton for {@code prefix} followed by anything */
    static Nfa prefixThenAnything(String prefix) {
        Nfa.Builder b = new Nfa.Builder();
        int start = b.state();
        int cur = start;
        for (int c : prefix.codePoints().toArray()) {
            int s = b.state();
            b.edge(cur, new int[]{c, c}, s);
            cur = s;
        }
        b.edge(cur, Nfa.CODE_POINTS, cur);
        return b.build(start, cur);
    }

    /** @return {@code s} for a one-line message: control characters escaped, shortened past 160 code points */
    static String show(String s) {
        StringBuilder out = new StringBuilder();
        int[] cps = s.codePoints().toArray();
        for (int i = 0; i < Math.min(cps.length, SHOWN); i++) {
            out.append(escape(cps[i]));
        }
        return cps.length > SHOWN ? out + "..." : out.toString();
    }

    /**
     * @return {@code c} as written in a message: {@code \n}, {@code \t}, {@code \r}, else {@code \}{@code uXXXX}
     *         for other controls and for surrogates
     */
    static String escape(int c) {
        return switch (c) {
            case '\n' -> "\\n";
            case '\t' -> "\\t";
            case '\r' -> "\\r";
            default -> c < 0x20 || c == 0x7f || c <= 0xFFFF && Character.isSurrogate((char) c)
                    ? String.format("\\u%04X", c) : Character.toString(c);
        };
    }

    /** Parses items up to the end, or inside braces up to the next {@code ,} or <code>&#125;</code>; returns the last state. */
    private int sequence(int from, int depth) {
        int cur = from;
        while (pos < cps.length) {
            int c = cps[pos];
            if (depth > 0 && (c == ',' || c == '}')) {
                return cur;
            }
            switch (c) {
                case '*' -> cur = star(cur);
                case '?' -> {
                    count();
                    pos++;
                    cur = step(cur, NAME_CHAR);
                }
                case '[' -> {
                    count();
                    cur = step(cur, charClass());
                }
                case '{' -> cur = braces(cur, depth);
                case '}' -> throw invalid("has a '}' at column " + (pos + 1) + " with no '{' before it");
                default -> {
                    pos++;
                    cur = step(cur, new int[]{c, c});
                }
            }
        }
        return cur;
    }

    private int star(int from) {
        count();
        boolean two = pos + 1 < cps.length && cps[pos + 1] == '*';
        if (!two) {
            pos++;
            return run(from, false);
        }
        boolean wholeSegment = (pos == 0 || cps[pos - 1] == '/') && pos + 2 < cps.length && cps[pos + 2] == '/';
        pos += 2;
        if (!wholeSegment) {
            return run(from, true);
        }
        // "**/" also stands for no folder at all, so src/**/*.js matches src/a.js
        pos++;
        int out = nfa.state();
        nfa.epsilon(from, out);
        nfa.edge(run(from, true), SLASH, out);
        return out;
    }

    /** A run of name characters ({@code *}) or of any characters ({@code **}). */
    private int run(int from, boolean acrossFolders) {
        int loop = nfa.state();
        enter(from, loop);
        int out = nfa.state();
        nfa.epsilon(loop, out);
        if (!acrossFolders) {
            nfa.edge(loop, NAME_CHAR, loop);
        } else if (!marked) {
            nfa.edge(loop, Nfa.CODE_POINTS, loop);
        } else {
            nfa.edge(loop, NAME_CHAR, loop);
            int slash = nfa.state();
            nfa.edge(loop, SLASH, slash);
            enter(slash, loop);
        }
        return out;
    }

    private void enter(int from, int to) {
        if (marked) {
            nfa.edge(from, MARK, to);
        } else {
            nfa.epsilon(from, to);
        }
    }

    private int braces(int from, int depth) {
        int open = pos;
        if (depth >= MAX_DEPTH) {
            throw invalid("nests braces deeper than " + MAX_DEPTH + " at column " + (open + 1) + "; the limit is " + MAX_DEPTH);
        }
        count();
        pos++;
        int out = nfa.state();
        while (true) {
            int alternative = nfa.state();
            nfa.epsilon(from, alternative);
            nfa.epsilon(sequence(alternative, depth + 1), out);
            if (pos >= cps.length) {
                throw invalid("has a '{' at column " + (open + 1) + " that is never closed");
            }
            if (cps[pos] == '}') {
                pos++;
                return out;
            }
            count();
            pos++;
        }
    }

    /** Parses {@code [...]} from its {@code [}; returns the label, which never contains {@code /}. */
    private int[] charClass() {
        int open = pos++;
        boolean negated = pos < cps.length && (cps[pos] == '!' || cps[pos] == '^');
        if (negated) {
            pos++;
        }
        List<int[]> ranges = new ArrayList<>();
        while (true) {
            if (pos >= cps.length) {
                throw invalid("has a '[' at column " + (open + 1) + " that is never closed");
            }
            int lo = cps[pos];
            if (lo == ']') {
                break;
            }
            slashCheck(pos);
            int hi = lo;
            if (pos + 2 < cps.length && cps[pos + 1] == '-' && cps[pos + 2] != ']') {
                hi = cps[pos + 2];
                slashCheck(pos + 2);
                if (hi < lo) {
                    throw invalid("has a reversed range '" + escape(lo) + "-" + escape(hi) + "' at column " + (pos + 1));
                }
                pos += 2;
            }
            pos++;
            ranges.add(new int[]{lo, hi});
        }
        if (ranges.isEmpty()) {
            throw invalid("has an empty character class at column " + (open + 1));
        }
        pos++;
        return label(ranges, negated);
    }

    private void slashCheck(int at) {
        if (cps[at] == '/') {
            throw invalid("has a '/' inside [...] at column " + (at + 1) + "; a character class matches one character of a name");
        }
    }

    /** @return sorted, merged pairs, complemented if negated, always without {@code /} */
    private static int[] label(List<int[]> ranges, boolean negated) {
        ranges.sort(Comparator.comparingInt(r -> r[0]));
        List<int[]> merged = new ArrayList<>();
        for (int[] r : ranges) {
            int[] last = merged.isEmpty() ? null : merged.getLast();
            if (last != null && r[0] <= last[1] + 1) {
                last[1] = Math.max(last[1], r[1]);
            } else {
                merged.add(r.clone());
            }
        }
        if (negated) {
            List<int[]> complement = new ArrayList<>();
            int next = 0;
            for (int[] r : merged) {
                if (r[0] > next) {
                    complement.add(new int[]{next, r[0] - 1});
                }
                next = r[1] + 1;
            }
            if (next <= MAX) {
                complement.add(new int[]{next, MAX});
            }
            merged = complement;
        }
        List<Integer> flat = new ArrayList<>();
        for (int[] r : merged) {
            // a range such as [!-~] spans '/', which a class never matches
            if (r[0] <= '/' && '/' <= r[1]) {
                addRange(flat, r[0], '/' - 1);
                addRange(flat, '/' + 1, r[1]);
            } else {
                addRange(flat, r[0], r[1]);
            }
        }
        return flat.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void addRange(List<Integer> flat, int lo, int hi) {
        if (lo <= hi) {
            flat.add(lo);
            flat.add(hi);
        }
    }

    private int step(int from, int[] label) {
        int s = nfa.state();
        nfa.edge(from, label, s);
        return s;
    }

    private void count() {
        if (++operators > MAX_OPERATORS) {
            throw invalid("has more than " + MAX_OPERATORS + " wildcards, classes and braces (column " + (pos + 1)
                    + "); the limit is " + MAX_OPERATORS);
        }
    }

    private MeshException invalid(String problem) {
        return MeshException.invalidInput("pattern '" + show(pattern) + "' " + problem);
    }
}
