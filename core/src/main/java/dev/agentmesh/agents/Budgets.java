package dev.agentmesh.agents;

import dev.agentmesh.MeshException;
import dev.agentmesh.agents.internal.UsageTable;
import dev.agentmesh.store.Store;

import java.util.Locale;
import java.util.Optional;

/**
 * Token and dollar usage of a project's spawned agents, and their budgets (issue 6, part 7): each agent's turns add
 * to its own row and to the project's; a budget (tokens, dollars, or both) per agent or per project, once reached,
 * keeps new turns from starting (the work in flight runs to its end) until it is raised. Kept in the store, so usage
 * survives restarts. Thread-safe.
 */
public final class Budgets {
    /** Largest token budget accepted. */
    public static final long MAX_TOKENS = 1_000_000_000_000L;
    /** Largest dollar budget accepted. */
    public static final double MAX_USD = 1_000_000;

    /**
     * Usage so far and the budget.
     *
     * @param inputTokens  tokens read, summed over turns
     * @param outputTokens tokens written
     * @param costUsd      dollars, where the runtime reports them (Claude Code does; others count 0)
     * @param budgetTokens the token limit (input plus output), or null for none
     * @param budgetUsd    the dollar limit, or null for none
     */
    public record Usage(long inputTokens, long outputTokens, double costUsd, Long budgetTokens, Double budgetUsd) {
        /** No usage and no budget. */
        public static final Usage NONE = new Usage(0, 0, 0, null, null);

        /** @return input plus output tokens */
        public long tokens() {
            return inputTokens + outputTokens;
        }

        /** @return why the budget is reached, or empty while there is room */
        public Optional<String> reached() {
            if (budgetTokens != null && tokens() >= budgetTokens) {
                return Optional.of(tokens() + " of " + budgetTokens + " tokens used");
            }
            if (budgetUsd != null && costUsd >= budgetUsd) {
                return Optional.of(String.format(Locale.ROOT, "$%.4f of $%.4f used", costUsd, budgetUsd));
            }
            return Optional.empty();
        }

        /** @return e.g. {@code 1234 tokens, $0.0120 (budget 5000 tokens)} */
        public String describe() {
            String budget = budgetTokens == null && budgetUsd == null ? "no budget"
                    : "budget " + (budgetTokens == null ? "" : budgetTokens + " tokens") + (budgetTokens != null && budgetUsd != null ? ", " : "")
                    + (budgetUsd == null ? "" : String.format(Locale.ROOT, "$%.4f", budgetUsd));
            return String.format(Locale.ROOT, "%d tokens, $%.4f (%s)", tokens(), costUsd, budget);
        }
    }

    private final Store store;
    private final String project;

    /**
     * @param store   the store
     * @param project the project key
     */
    public Budgets(Store store, String project) {
        this.store = store;
        this.project = project;
    }

    /**
     * Adds one turn's usage to {@code agent} and to the project.
     *
     * @param usd dollars, negative when the runtime does not report them (counted as 0)
     */
    public void add(String agent, long inputTokens, long outputTokens, double usd) {
        long now = System.currentTimeMillis();
        double cost = Math.max(0, usd);
        store.write(tx -> {
            UsageTable.of(tx).add(project, agent, Math.max(0, inputTokens), Math.max(0, outputTokens), cost, now);
            UsageTable.of(tx).add(project, "", Math.max(0, inputTokens), Math.max(0, outputTokens), cost, now);
            return null;
        });
    }

    /** @return the usage and budget of {@code agent}, or of the project for null */
    public Usage of(String agent) {
        return store.read(tx -> UsageTable.of(tx).get(project, agent == null ? "" : agent)).orElse(Usage.NONE);
    }

    /**
     * Sets a budget; null limits remove it.
     *
     * @param agent the agent, or null for the project
     * @throws MeshException (invalid input) for a negative or huge limit
     */
    public Usage setBudget(String agent, Long tokens, Double usd) {
        if (tokens != null && (tokens < 0 || tokens > MAX_TOKENS)) {
            throw MeshException.invalidInput("token budget " + tokens + " is out of range 0.." + MAX_TOKENS);
        }
        if (usd != null && (usd.isNaN() || usd < 0 || usd > MAX_USD)) {
            throw MeshException.invalidInput("dollar budget " + usd + " is out of range 0.." + (long) MAX_USD);
        }
        store.write(tx -> {
            UsageTable.of(tx).budget(project, agent == null ? "" : agent, tokens, usd, System.currentTimeMillis());
            return null;
        });
        return of(agent);
    }

    /** @return why a new turn of {@code agent} may not start (its budget or the project's is reached), or empty */
    public Optional<String> reached(String agent) {
        return of(agent).reached().map(why -> agent + "'s budget is reached: " + why)
                .or(() -> of(null).reached().map(why -> "the project's budget is reached: " + why));
    }
}
