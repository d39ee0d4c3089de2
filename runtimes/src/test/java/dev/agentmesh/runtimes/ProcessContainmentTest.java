package dev.agentmesh.runtimes;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Containment is structural (issue 5, part 6): a process that runs agents is their child subreaper, so a tool
 * command an agent detached into a session of its own, with its environment (and so its tree mark) wiped, is
 * re-parented to it, found and stopped with the run; twenty times in a row, without one left over.
 */
class ProcessContainmentTest {

    @Test
    void aDetachedUnmarkedGrandchildIsReparentedToUsAndStoppedWithTheRunTwentyTimes() throws Exception {
        assertThat(ProcessGroups.becomeSubreaper()).as("prctl(PR_SET_CHILD_SUBREAPER)").isTrue();
        for (int round = 0; round < 20; round++) {
            String name = "mesh-orphan-" + ProcessHandle.current().pid() + "-" + round;
            String mark = ProcessGroups.newTreeMark();
            // the agent: a subshell forks a grandchild with a wiped environment in a new session and exits at once
            ProcessBuilder pb = new ProcessBuilder("setsid", "bash", "-c",
                    "(env -i setsid bash -c 'exec -a " + name + " sleep 120' &) ; exec sleep 120");
            pb.environment().put(ProcessGroups.TREE_ENV, mark);
            Process agent = pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            List<Long> orphans = awaitProcessNamed(name);
            assertThat(orphans).as("round %d: the detached grandchild started", round).hasSize(1);
            assertThat(ProcessHandle.of(orphans.getFirst()).flatMap(ProcessHandle::parent).map(ProcessHandle::pid))
                    .as("round %d: re-parented to the subreaper, not to init", round).contains(ProcessHandle.current().pid());

            ProcessGroups.stop(agent, agent.descendants().toList(), 200, mark);
            assertThat(processesNamed(name)).as("round %d: the agent's own stop misses it (no mark, not in its tree)", round)
                    .hasSize(1);
            ProcessGroups.killDescendants(h -> false);
            assertThat(processesNamed(name)).as("round %d: no orphan once the run is stopped", round).isEmpty();
        }
    }

    @Test
    void anAgentTreeWhoseOwnerDiedIsKilledAndOneWhoseOwnerLivesIsNot() throws Exception {
        String tag = "mesh-owned-" + ProcessHandle.current().pid();
        Process owner = new ProcessBuilder("sleep", "120").start();
        Process orphaned = marked(tag + "-orphaned", ProcessGroups.treeMark(owner.toHandle()));
        Process kept = marked(tag + "-kept", ProcessGroups.newTreeMark());
        Process unmarked = marked(tag + "-other", "a-mark-of-another-form");
        try {
            assertThat(awaitProcessNamed(tag + "-orphaned")).hasSize(1);
            assertThat(awaitProcessNamed(tag + "-other")).hasSize(1);
            assertThat(ProcessGroups.killOrphanedTrees()).as("every owner lives").doesNotContain(orphaned.pid(), kept.pid());

            owner.destroyForcibly();
            owner.waitFor(10, TimeUnit.SECONDS);
            assertThat(ProcessGroups.killOrphanedTrees()).as("the owner died: its tree goes").contains(orphaned.pid())
                    .doesNotContain(kept.pid(), unmarked.pid());
            assertThat(orphaned.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(kept.isAlive()).as("its owner (this test) lives").isTrue();
            assertThat(unmarked.isAlive()).as("a mark that names no owner is left alone").isTrue();
        } finally {
            for (Process p : List.of(owner, orphaned, kept, unmarked)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void anOrphanThatExitsUnderTheSubreaperIsReapedOnceItLingers() throws Exception {
        assertThat(ProcessGroups.becomeSubreaper()).isTrue();
        String name = "mesh-zombie-" + ProcessHandle.current().pid();
        // the parent exits at once; its child, re-parented here, exits a moment later and nobody waits for it
        new ProcessBuilder("bash", "-c", "(exec -a " + name + " sleep 0.3 &) ; exit 0").start().waitFor();
        List<Long> orphan = awaitProcessNamed(name);
        assertThat(orphan).hasSize(1);
        long pid = orphan.getFirst();
        Thread.sleep(800);
        assertThat(Files.readString(Path.of("/proc/" + pid + "/stat"))).as("a zombie").contains(") Z ");
        java.util.Set<Long> seen = new java.util.HashSet<>();
        assertThat(ProcessGroups.reapLingeringZombies(seen)).as("first seen: left for its parent to wait for").isZero();
        assertThat(seen).contains(pid);
        assertThat(ProcessGroups.reapLingeringZombies(seen)).as("still there: an orphan, reaped").isPositive();
        assertThat(Files.exists(Path.of("/proc/" + pid))).isFalse();
    }

    private static Process marked(String name, String mark) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "exec -a " + name + " sleep 120");
        pb.environment().put(ProcessGroups.TREE_ENV, mark);
        return pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static List<Long> awaitProcessNamed(String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<Long> found = processesNamed(name);
        while (found.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            found = processesNamed(name);
        }
        return found;
    }

    /** @return live (not zombie) processes whose argv[0] is {@code name} */
    private static List<Long> processesNamed(String name) throws Exception {
        List<Long> found = new ArrayList<>();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(x -> x.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String cmdline = Files.readString(p.resolve("cmdline"), StandardCharsets.UTF_8);
                    if (cmdline.startsWith(name + "\0")) {
                        found.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (Exception gone) {
                    // ended while we looked
                }
            }
        }
        return found;
    }
}
