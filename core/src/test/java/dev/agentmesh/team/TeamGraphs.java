package dev.agentmesh.team;

import dev.agentmesh.MeshException;
import dev.agentmesh.agents.AgentProfiles;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Graphs, a temporary invocation cwd and refusal checks shared by the {@code agent_team} planner tests. */
final class TeamGraphs {
    static final JsonMapper JSON = JsonMapper.builder().build();
    /** The seed's minimum read-only graph (seeds/002 "Minimum read-only run"), with ' for ". */
    static final String MINIMUM = """
            {'objective': 'Answer one scoped local question.',
             'authority': {'allowFilesystemRead': true},
             'steps': [{'id': 'inspect', 'agent': {'ref': 'package:scout'},
                        'task': 'Inspect relevant local files. Do not edit or run commands. Return paths, facts, risks, and unknowns.'}]}""";

    final Path root;
    final Path home;
    final TeamPlanner.Context ctx;

    /** A root {@code tmp/work} (real path) with a project agent folder, and a home {@code tmp/home}. */
    TeamGraphs(Path tmp) {
        try {
            Path real = tmp.toRealPath();
            root = Files.createDirectories(real.resolve("work"));
            home = Files.createDirectories(real.resolve("home"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ctx = new TeamPlanner.Context(root, AgentProfiles.inFolders(root.resolve(".mesh/agents"), home.resolve(".mesh/agents")), "pi");
    }

    /** @return JSON from {@code text} written with ' for " (no apostrophes inside values) */
    static ObjectNode json(String text) {
        return (ObjectNode) JSON.readTree(text.replace('\'', '"'));
    }

    /** @return the minimum graph */
    static ObjectNode minimum() {
        return json(MINIMUM);
    }

    /** @return the minimum graph's only step */
    static ObjectNode step(ObjectNode graph) {
        return (ObjectNode) graph.get("steps").get(0);
    }

    /** @return the minimum graph's only step's agent */
    static ObjectNode agent(ObjectNode graph) {
        return (ObjectNode) step(graph).get("agent");
    }

    /** @return a step {@code {id, agent: {ref}, task}} */
    static ObjectNode newStep(String id, String ref) {
        ObjectNode s = JSON.createObjectNode().put("id", id).put("task", "Do the " + id + " part.");
        s.putObject("agent").put("ref", ref);
        return s;
    }

    /** @return the minimum graph with {@code steps} instead of its one step */
    static ObjectNode withSteps(ObjectNode... steps) {
        ObjectNode g = minimum();
        ArrayNode a = g.putArray("steps");
        for (ObjectNode s : steps) {
            a.add(s);
        }
        return g;
    }

    /** @return the minimum graph with authority {@code flags} (each set true) besides filesystem read */
    static ObjectNode withAuthority(ObjectNode graph, String... flags) {
        ObjectNode a = (ObjectNode) graph.get("authority");
        for (String f : flags) {
            a.put(f, true);
        }
        return graph;
    }

    TeamPlan plan(JsonNode graph) {
        return TeamPlanner.plan(graph, ctx);
    }

    /** @return the message of the refusal {@code call} must throw: invalid input, one line, with repair copy */
    static String refusal(ThrowingCallable call) {
        Throwable t = catchThrowable(call);
        assertThat(t).isInstanceOf(MeshException.class);
        assertThat(((MeshException) t).kind()).isEqualTo(MeshException.Kind.INVALID_INPUT);
        String m = t.getMessage();
        assertThat(m).contains(TeamErrors.REPAIR);
        assertThat(m.chars().noneMatch(c -> c < 0x20 || c == 0x7f)).as("no raw control character in: %s", m).isTrue();
        return m;
    }

    /** @return the problem part of {@link #refusal} */
    String refused(JsonNode graph) {
        return refusal(() -> plan(graph));
    }

    /** Writes {@code text} to {@code root/relative}, folders made. */
    Path write(String relative, String text) {
        try {
            Path file = root.resolve(relative);
            Files.createDirectories(file.getParent());
            return Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Makes the folder {@code root/relative}. */
    Path mkdir(String relative) {
        try {
            return Files.createDirectories(root.resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
