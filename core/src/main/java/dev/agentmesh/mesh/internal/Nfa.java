package dev.agentmesh.mesh.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An immutable NFA over code points, run by state-set simulation, so its cost is linear in the input.
 *
 * <p>Each edge carries a label: sorted, disjoint, inclusive {@code [lo, hi]} pairs of symbols. Symbols are code
 * points, plus {@link #MARK}, which only the automaton built to check for {@code .}/{@code ..} names uses.
 */
final class Nfa {
    /** The symbol a wildcard emits in a checking automaton; no path contains it. */
    static final int MARK = -1;

    /** Every symbol a path can contain. */
    static final int[] CODE_POINTS = {0, Character.MAX_CODE_POINT};

    private static final int[][] NO_LABELS = new int[0][];
    private static final int[] NONE = new int[0];

    private final int[][][] labels;
    private final int[][] targets;
    private final int[][] eps;
    private final int start;
    private final int accept;

    private Nfa(int[][][] labels, int[][] targets, int[][] eps, int start, int accept) {
        this.labels = labels;
        this.targets = targets;
        this.eps = eps;
        this.start = start;
        this.accept = accept;
    }

    int states() {
        return labels.length;
    }

    /** @return the epsilon-closed states after reading {@code input} from the start; empty if none survives */
    int[] after(String input) {
        int n = states();
        int[] stamp = new int[n];
        int[] cur = new int[n];
        int[] next = new int[n];
        int[] stack = new int[n];
        int gen = 1;
        int size = close(start, gen, stamp, cur, 0, stack);
        for (int i = 0; i < input.length() && size > 0; ) {
            int c = input.codePointAt(i);
            i += Character.charCount(c);
            gen++;
            int nextSize = 0;
            for (int k = 0; k < size; k++) {
                int s = cur[k];
                for (int e = 0; e < labels[s].length; e++) {
                    if (contains(labels[s][e], c)) {
                        nextSize = close(targets[s][e], gen, stamp, next, nextSize, stack);
                    }
                }
            }
            int[] t = cur;
            cur = next;
            next = t;
            size = nextSize;
        }
        return Arrays.copyOf(cur, size);
    }

    /** @return true if the whole of {@code input} is accepted */
    boolean accepts(String input) {
        for (int s : after(input)) {
            if (s == accept) {
                return true;
            }
        }
        return false;
    }

    /** @return true if the accepting state is reachable from one of {@code from} over edges some path can take */
    boolean canAcceptFrom(int[] from) {
        boolean[] seen = new boolean[states()];
        int[] stack = new int[states()];
        int top = 0;
        for (int s : from) {
            if (!seen[s]) {
                seen[s] = true;
                stack[top++] = s;
            }
        }
        while (top > 0) {
            int s = stack[--top];
            if (s == accept) {
                return true;
            }
            for (int t : eps[s]) {
                if (!seen[t]) {
                    seen[t] = true;
                    stack[top++] = t;
                }
            }
            for (int e = 0; e < labels[s].length; e++) {
                int t = targets[s][e];
                if (!seen[t] && overlaps(labels[s][e], CODE_POINTS)) {
                    seen[t] = true;
                    stack[top++] = t;
                }
            }
        }
        return false;
    }

    /** Reachability in the product automaton: at most {@code a.states() * b.states()} pairs are visited. */
    static boolean intersect(Nfa a, Nfa b) {
        int nb = b.states();
        Pairs pairs = new Pairs((long) a.states() * nb);
        pairs.offer(a.start * nb + b.start);
        while (pairs.hasNext()) {
            int pair = pairs.next();
            int p = pair / nb;
            int q = pair % nb;
            if (p == a.accept && q == b.accept) {
                return true;
            }
            for (int t : a.eps[p]) {
                pairs.offer(t * nb + q);
            }
            for (int t : b.eps[q]) {
                pairs.offer(p * nb + t);
            }
            for (int i = 0; i < a.labels[p].length; i++) {
                for (int j = 0; j < b.labels[q].length; j++) {
                    if (overlaps(a.labels[p][i], b.labels[q][j])) {
                        pairs.offer(a.targets[p][i] * nb + b.targets[q][j]);
                    }
                }
            }
        }
        return false;
    }

    /** Adds {@code s} and every state its epsilon edges reach to {@code set}; returns the new size. */
    private int close(int s, int gen, int[] stamp, int[] set, int size, int[] stack) {
        if (stamp[s] == gen) {
            return size;
        }
        stamp[s] = gen;
        int top = 0;
        stack[top++] = s;
        while (top > 0) {
            int u = stack[--top];
            set[size++] = u;
            for (int t : eps[u]) {
                if (stamp[t] != gen) {
                    stamp[t] = gen;
                    stack[top++] = t;
                }
            }
        }
        return size;
    }

    static boolean contains(int[] ranges, int c) {
        for (int i = 0; i < ranges.length; i += 2) {
            if (c < ranges[i]) {
                return false;
            }
            if (c <= ranges[i + 1]) {
                return true;
            }
        }
        return false;
    }

    static boolean overlaps(int[] x, int[] y) {
        int i = 0;
        int j = 0;
        while (i < x.length && j < y.length) {
            if (x[i + 1] < y[j]) {
                i += 2;
            } else if (y[j + 1] < x[i]) {
                j += 2;
            } else {
                return true;
            }
        }
        return false;
    }

    /** A breadth-first queue of product states that hands out each pair once. */
    private static final class Pairs {
        private final long[] seen;
        private int[] queue = new int[64];
        private int head;
        private int tail;

        Pairs(long count) {
            seen = new long[(int) ((count + 63) >>> 6)];
        }

        void offer(int pair) {
            long bit = 1L << (pair & 63);
            if ((seen[pair >>> 6] & bit) != 0) {
                return;
            }
            seen[pair >>> 6] |= bit;
            if (tail == queue.length) {
                queue = Arrays.copyOf(queue, tail * 2);
            }
            queue[tail++] = pair;
        }

        boolean hasNext() {
            return head < tail;
        }

        int next() {
            return queue[head++];
        }
    }

    /** Collects states and edges; each state may have any number of labelled and epsilon edges. */
    static final class Builder {
        private final List<List<int[]>> labels = new ArrayList<>();
        private final List<int[]> targets = new ArrayList<>();
        private final List<int[]> eps = new ArrayList<>();

        int state() {
            labels.add(new ArrayList<>(1));
            targets.add(NONE);
            eps.add(NONE);
            return labels.size() - 1;
        }

        int size() {
            return labels.size();
        }

        void edge(int from, int[] label, int to) {
            labels.get(from).add(label);
            targets.set(from, append(targets.get(from), to));
        }

        void epsilon(int from, int to) {
            eps.set(from, append(eps.get(from), to));
        }

        Nfa build(int start, int accept) {
            int n = labels.size();
            int[][][] l = new int[n][][];
            for (int s = 0; s < n; s++) {
                l[s] = labels.get(s).isEmpty() ? NO_LABELS : labels.get(s).toArray(int[][]::new);
            }
            return new Nfa(l, targets.toArray(int[][]::new), eps.toArray(int[][]::new), start, accept);
        }

        private static int[] append(int[] a, int v) {
            int[] r = Arrays.copyOf(a, a.length + 1);
            r[a.length] = v;
            return r;
        }
    }
}
