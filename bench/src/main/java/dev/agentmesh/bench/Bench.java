package dev.agentmesh.bench;

import java.nio.file.Path;

/**
 * Whole-process benchmarks of the mesh through a real supervisor ({@code mesh serve} as its own process), each
 * printing one JSON object on stdout (progress on stderr). Run as {@code bin/bench NAME}:
 *
 * <ul>
 *   <li>{@code delivery}: 8 sender processes send 200 messages each to recipients drawn by mulberry32 seeded
 *       {@code 1000+i}; 8 reader processes, one per recipient, take them from their event streams. Fields:
 *       {@code delivered_per_s} (from the go signal to the last delivery), {@code lost}, {@code duplicated},
 *       {@code fifo_inversions} (a sender's messages to one recipient seen out of order). The workload runs three times
 *       on one supervisor, each round with agents of its own: first just after the supervisor started (the fields
 *       ending {@code _cold}), then on the warmed-up, resident supervisor (the fields without a suffix), both with JVM
 *       clients ({@code RemoteMeshApi}, as {@code mesh send} and {@code mesh mcp} talk to the supervisor); then with node
 *       clients on the pi extension's path (fetch, the event stream, every message acknowledged; fields ending
 *       {@code _node}). {@code -Ddelivery.extraRounds=N} (through {@code BENCH_JAVA_OPTS}) adds N warm-up rounds.</li>
 *   <li>{@code latency}: one sender process and one reader process; from the send call to the reader's
 *       handler, at 1 message per 100 ms and per 10 ms: {@code p50_ms_100}, {@code p99_ms_100},
 *       {@code p50_ms_10}, {@code p99_ms_10} with JVM clients, and the same fields ending {@code _node} with node clients
 *       on the pi extension's path.</li>
 *   <li>{@code reservations}: 1,000 agents hold 10 exclusive reservations each (7 files, 3 folders); another agent
 *       checks one path at a time ({@code reservations.check}, half of them held), as the pi extension does before
 *       an edit: {@code p50_ms}, {@code p99_ms} over HTTP, and {@code p99_ms_in_process} (the check alone).</li>
 *   <li>{@code claims}: 16 processes claim the same 100 tasks in order, all at once: {@code double_wins} (tasks with
 *       more than one winner), {@code p50_ms}, {@code p99_ms}; then a claimant is SIGKILLed holding a task and a
 *       contender retries every 5 ms: {@code blocked_ms_after_kill}, from the kill to the contender's claim.</li>
 *   <li>{@code toolcall}: one agent's {@code status} call through the pi extension's path (node's fetch to
 *       {@code /api/v1/call}) and through {@code /mcp} ({@code tools/call} in one session):
 *       {@code p50_ms_extension}, {@code p50_ms_mcp} and the p99s.</li>
 *   <li>{@code hook}: the Claude Code hook as a whole process (sh and curl), 40 times each: {@code PreToolUse} of a held
 *       file (denied) and {@code PostToolUse} without messages ({@code p50_ms_pre_tool_use},
 *       {@code p50_ms_post_tool_use}; target ≤ 50 ms, issue 5 part 4).</li>
 *   <li>{@code startup}: {@code bin/mesh send} as a whole process, 20 times, the supervisor running: {@code p50_ms},
 *       {@code p90_ms}; and {@code bin/mesh mcp} from its start to its answer to {@code initialize}, 10 times:
 *       {@code p50_ms_mcp_initialize} (target ≤ 300 ms, issue 5 part 2).</li>
 *   <li>{@code memory}: supervisor RSS with 30 joined agents, each with an open event stream, after 300 messages:
 *       {@code rss_mb}.</li>
 *   <li>{@code spawn}: 10 persistent agents spawned one after another on pi, Claude Code and Codex (the scripted model
 *       server behind them): {@code spawn_p50_ms_RUNTIME} (the call until the agent is idle),
 *       {@code supervisor_kb_per_idle_agent_RUNTIME} (the supervisor's RSS growth per idle agent, beyond the agent's
 *       own process; target ≤ 2 MB, issue 6), {@code assign_to_first_event_p50_ms_RUNTIME} (an assignment until the
 *       runtime's first line back in the agent's transcript) and {@code assign_to_idle_p50_ms_RUNTIME} (an assignment
 *       of one model answer until the agent is idle again; the first one includes loading the memory model).</li>
 *   <li>{@code recall}: agent memory on the labelled set ({@code RecallSet}: 30 summaries, 20 queries), in this process
 *       with the all-MiniLM-L6-v2 embedder: {@code model_load_ms} (the first load in the JVM), {@code first_embed_ms},
 *       {@code embed_p50_ms} and {@code embed_p99_ms} per summary once warm (10 rounds of the 30), {@code precision_at_3},
 *       {@code recall_at_3}, {@code false_recall_rate} (see {@code RecallSet.Result}), {@code recall_p50_ms} and
 *       {@code recall_p99_ms} (one recall: the query embedded, the workstream's memories read and ranked), then
 *       {@code remember_p50_ms} over 2,000 summaries in one workstream and {@code recall_p50_ms_2000_memories} on it.</li>
 *   <li>{@code team}: {@code agent_team} runs (issue 7, seeds/002). In this process on a temporary store:
 *       {@code wait_wakeup_p50_ms} and {@code wait_wakeup_p99_ms}, from appending a material event of a run to the
 *       return of a {@code TeamRuns.await} parked on it (200 rounds after 20 warm-ups; target ≤ 10 ms). Through the
 *       supervisor (the scripted model server behind pi, Claude Code and Codex; the command runtime runs
 *       {@code sh -c "cat >/dev/null; sleep 0.2; echo done"}), 10 one-step runs per runtime (a runtime whose CLI is
 *       not found is left out with {@code skipped_RUNTIME}): {@code start_call_p50_ms_RUNTIME} (the
 *       {@code team.start} call; {@code start_call_p50_ms} over all of them) and
 *       {@code start_to_first_child_running_p50_ms_RUNTIME} (the start call until {@code run_status}, polled every
 *       20 ms, shows the step's {@code pid}), with the server's own split {@code created_to_launching_p50_ms_RUNTIME}
 *       and {@code launching_to_pid_p50_ms_RUNTIME}. Then a chain of 16 steps, each needing the one before, on
 *       command and pi: {@code overhead_16_steps_pct_RUNTIME} = (the start call to terminal, {@code run_wall_ms_RUNTIME},
 *       minus the steps' own time from {@code startedAt} to {@code endedAt}, {@code children_ms_RUNTIME}) over the
 *       steps' time, in percent (target &lt; 5 %), with {@code step_gap_p50_ms_RUNTIME} (a step's end to the next
 *       one's launch); and {@code overhead_fanout_pct_pi}: 6 parallel lanes into one synthesis step, over the
 *       critical path (the longest lane plus the synthesis). The other fields split those times up for diagnosis
 *       (the wake-up's commit and its return after the signal; each step's launch, its program's own run time on the
 *       command runtime from its transcript, the gap between steps). {@code -Dteam.parts=wakeup,start,chain,fanout}
 *       and {@code -Dteam.runtimes=command,pi} run a part of it; {@code -Dteam.keep=true} leaves the runs and their
 *       artifacts in the store for inspection.</li>
 *   <li>{@code orchestrator} (issue 8, seeds/004): over HTTP against a real supervisor, 200 rounds after 20 warm-ups:
 *       an {@code ask} call ({@code ask_call}), the ask to its message on the peer's event stream
 *       ({@code ask_to_peer_stream}), an {@code ack} call, and the ack's start to the return of the asker's
 *       {@code wait_on_ack} parked on it ({@code ack_to_wait_on_ack_return}: the wake-up, no polling); a
 *       {@code job_create} to its dispatch ask on the assignee's stream ({@code job_create_to_ask_on_peer_stream});
 *       and 20 schedules due 300 ms after they are made, how late their message reaches the peer's stream
 *       ({@code schedule_fire_lateness}). Each as {@code _p50_ms} and {@code _p99_ms}.</li>
 * </ul>
 * The workloads are those of the issues that asked for them (issue 5, part 7; issue 6, benchmarks; issue 7). {@code MESH_BENCH_SERVE_OPTS} gives the
 * supervisor JVM options of its own (e.g. {@code -XX:StartFlightRecording=filename=serve.jfr} to profile it).
 */
public final class Bench {
    /** The benchmarks, as {@code bin/bench} names them. */
    static final String NAMES = "delivery, latency, reservations, claims, toolcall, hook, startup, memory, spawn, recall, team or orchestrator";

    private Bench() {
    }

    /** {@code Bench NAME}, or a role of a child process ({@code sender}, {@code reader}, {@code claimer}). */
    public static void main(String[] args) throws Exception {
        switch (args.length == 0 ? "" : args[0]) {
            case "delivery" -> MessageBenches.delivery();
            case "latency" -> MessageBenches.latency();
            case "reservations" -> LeaseBenches.reservations();
            case "claims" -> LeaseBenches.claims();
            case "toolcall" -> ClientBenches.toolcall();
            case "hook" -> ClientBenches.hook();
            case "startup" -> ClientBenches.startup();
            case "memory" -> ClientBenches.memory();
            case "spawn" -> AgentBenches.spawn();
            case "recall" -> MemoryBenches.recall();
            case "team" -> TeamBenches.team();
            case "orchestrator" -> OrchestratorBenches.orchestrator();
            case "claimer" -> LeaseBenches.claimer(Path.of(args[1]), Path.of(args[2]), args[3], Integer.parseInt(args[4]),
                    Path.of(args[5]), Path.of(args[6]));
            case "sender" -> MessageBenches.sender(Path.of(args[1]), Path.of(args[2]), args[3], Long.parseLong(args[4]),
                    Integer.parseInt(args[5]), Integer.parseInt(args[6]), Path.of(args[7]), args[8], Path.of(args[9]));
            case "reader" -> MessageBenches.reader(Path.of(args[1]), Path.of(args[2]), args[3], Integer.parseInt(args[4]),
                    Path.of(args[5]), args[6], Path.of(args[7]));
            default -> {
                System.err.println("bench: give a benchmark: " + NAMES);
                System.exit(2);
            }
        }
    }
}
