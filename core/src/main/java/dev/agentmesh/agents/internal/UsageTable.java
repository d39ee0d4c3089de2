package dev.agentmesh.agents.internal;

import dev.agentmesh.agents.Budgets;
import dev.agentmesh.store.StoreTx;
import org.jdbi.v3.core.Handle;

import java.util.Optional;

/** SQL for {@code agent_usage}: spawned agents' token and dollar usage and budgets; agent '' is the project. */
public final class UsageTable {
    private final Handle h;

    /** @param h the open transaction's handle (see {@link StoreTx#table}) */
    public UsageTable(Handle h) {
        this.h = h;
    }

    /** @return this table in the transaction {@code tx} */
    public static UsageTable of(StoreTx tx) {
        return tx.table(UsageTable::new);
    }

    /** Adds a turn's usage to the row of {@code agent}, creating it. */
    public void add(String project, String agent, long in, long out, double usd, long now) {
        h.createUpdate("""
                        INSERT INTO agent_usage (project, agent, input_tokens, output_tokens, cost_usd, updated_at)
                        VALUES (:p, :a, :i, :o, :c, :u)
                        ON CONFLICT (project, agent) DO UPDATE SET input_tokens = input_tokens + :i,
                          output_tokens = output_tokens + :o, cost_usd = cost_usd + :c, updated_at = :u""")
                .bind("p", project).bind("a", agent).bind("i", in).bind("o", out).bind("c", usd).bind("u", now).execute();
    }

    /** Sets the budget of {@code agent} (null: no limit), creating the row. */
    public void budget(String project, String agent, Long tokens, Double usd, long now) {
        h.createUpdate("""
                        INSERT INTO agent_usage (project, agent, budget_tokens, budget_usd, updated_at) VALUES (:p, :a, :t, :d, :u)
                        ON CONFLICT (project, agent) DO UPDATE SET budget_tokens = :t, budget_usd = :d, updated_at = :u""")
                .bind("p", project).bind("a", agent).bind("t", tokens).bind("d", usd).bind("u", now).execute();
    }

    /** @return the row of {@code agent}, if any */
    public Optional<Budgets.Usage> get(String project, String agent) {
        return h.createQuery("SELECT * FROM agent_usage WHERE project = :p AND agent = :a").bind("p", project).bind("a", agent)
                .map((rs, ctx) -> {
                    long bt = rs.getLong("budget_tokens");
                    Long budgetTokens = rs.wasNull() ? null : bt;
                    double bu = rs.getDouble("budget_usd");
                    Double budgetUsd = rs.wasNull() ? null : bu;
                    return new Budgets.Usage(rs.getLong("input_tokens"), rs.getLong("output_tokens"), rs.getDouble("cost_usd"),
                            budgetTokens, budgetUsd);
                }).findOne();
    }
}
