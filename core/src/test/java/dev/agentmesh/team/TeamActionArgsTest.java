package dev.agentmesh.team;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.node.ObjectNode;

import static dev.agentmesh.team.TeamGraphs.json;
import static dev.agentmesh.team.TeamGraphs.refusal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** The shapes of {@code catalog} and {@code start} arguments, and {@code start.notices} (seeds/002). */
class TeamActionArgsTest {

    @Test
    void runIsIntentionallyAbsent() {
        assertThat(refusal(() -> TeamPlanner.checkActionArgs("run", json("{}"))))
                .isEqualTo("action 'run' is rejected: run is intentionally absent Repair: use start, then run_status");
    }

    @Test
    void unknownAndMissingActionsAreRefused() {
        assertThat(refusal(() -> TeamPlanner.checkActionArgs("launch\u0007", null))).isEqualTo("unknown action 'launch\\u0007' "
                + "Repair: use one of catalog, start, run_status, step_result, message, cancel, cleanup");
        assertThat(refusal(() -> TeamPlanner.checkActionArgs(null, null))).startsWith("agent_team got no action Repair: ");
        assertThat(refusal(() -> TeamPlanner.checkActionArgs("catalog", TeamGraphs.JSON.createArrayNode())))
                .startsWith("catalog arguments must be a JSON object, not an array Repair: ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cursor", "waitSeconds", "maxBytes", "preview", "debugEvents"})
    void readControlsAreRefusedForCatalogAndStart(String control) {
        ObjectNode catalog = json("{'action': 'catalog'}").put(control, 1);
        assertThat(refusal(() -> TeamPlanner.checkActionArgs("catalog", catalog)))
                .isEqualTo("catalog takes no read control '" + control + "' Repair: narrow catalog with library.query");
        ObjectNode start = json("{'action': 'start', 'graphFile': 'g.json'}").put(control, 1);
        assertThat(refusal(() -> TeamPlanner.checkActionArgs("start", start))).isEqualTo("start takes no read control '" + control
                + "' Repair: start returns a runId; then read it with run_status (waitSeconds, cursor, debugEvents) or step_result (preview)");
    }

    @Test
    void catalogTakesOnlyALibrary() {
        assertThatCode(() -> TeamPlanner.checkActionArgs("catalog", json("{'action': 'catalog', 'library': {'query': 'review', "
                + "'sources': ['package', 'project']}}"))).doesNotThrowAnyException();
        assertThatCode(() -> TeamPlanner.checkActionArgs("catalog", null)).doesNotThrowAnyException();
        assertThat(refusal(() -> TeamPlanner.checkActionArgs("catalog", json("{'graph': {}}"))))
                .isEqualTo("catalog has unknown key 'graph' Repair: catalog takes only action, library; drop or rename 'graph'");
        assertThat(refusal(() -> TeamPlanner.checkActionArgs("catalog", json("{'library': {'limit': 3}}"))))
                .startsWith("catalog library has unknown key 'limit' Repair: catalog library takes only query, sources;");
        assertThat(refusal(() -> TeamPlanner.checkActionArgs("catalog", json("{'library': {'sources': ['web']}}"))))
                .startsWith("catalog library.sources has unknown source 'web' Repair: ");
        assertThat(refusal(() -> TeamPlanner.checkActionArgs("catalog", json("{'library': 'review'}"))))
                .startsWith("catalog.library must be an object, not 'review' Repair: ");
    }

    @Test
    void aCatalogQueryIsAtMost1000Characters() {
        ObjectNode ok = json("{}");
        ok.putObject("library").put("query", "q".repeat(1000));
        assertThatCode(() -> TeamPlanner.checkActionArgs("catalog", ok)).doesNotThrowAnyException();
        ObjectNode tooLong = json("{}");
        tooLong.putObject("library").put("query", "q".repeat(1001));
        assertThat(refusal(() -> TeamPlanner.checkActionArgs("catalog", tooLong)))
                .startsWith("catalog library.query is 1001 characters; the limit is 1000 Repair: ");
    }

    @Test
    void startTakesExactlyOneOfGraphAndGraphFile() {
        assertThatCode(() -> TeamPlanner.checkActionArgs("start", json("{'action': 'start', 'graph': {}}"))).doesNotThrowAnyException();
        assertThatCode(() -> TeamPlanner.checkActionArgs("start", json("{'graphFile': 'g.json', 'notices': 'final'}"))).doesNotThrowAnyException();
        assertThat(refusal(() -> TeamPlanner.checkActionArgs("start", json("{'graph': {}, 'graphFile': 'g.json'}"))))
                .isEqualTo("start got both graph and graphFile Repair: send exactly one: an inline graph object, or graphFile with a "
                        + "relative .json path inside the cwd");
        assertThat(refusal(() -> TeamPlanner.checkActionArgs("start", json("{}")))).startsWith("start needs a graph or a graphFile Repair: ");
        assertThat(refusal(() -> TeamPlanner.checkActionArgs("start", json("{'graph': 'g.json'}"))))
                .startsWith("start.graph must be an object, not 'g.json' Repair: ");
        assertThat(refusal(() -> TeamPlanner.checkActionArgs("start", json("{'graph': {}, 'runId': 'r1'}"))))
                .startsWith("start has unknown key 'runId' Repair: start takes only action, graph, graphFile, notices;");
        assertThat(refusal(() -> TeamPlanner.checkActionArgs("start", json("{'graph': {}, 'library': {'sources': ['project']}}"))))
                .isEqualTo("start takes no library Repair: set graph.library.sources inside the graph, e.g. [\"project\"]");
    }

    @Test
    void otherActionsAreCheckedWhereTheyRun() {
        assertThatCode(() -> TeamPlanner.checkActionArgs("run_status", json("{'runId': 'r1', 'waitSeconds': 30}"))).doesNotThrowAnyException();
    }

    @Test
    void noticesDefaultToMilestones() {
        assertThat(TeamPlanner.Notices.parse(null)).isEqualTo(new TeamPlanner.Notices("milestones", 12, 10));
        assertThat(TeamPlanner.Notices.parse(TeamGraphs.JSON.nullNode())).isEqualTo(TeamPlanner.Notices.DEFAULT);
        assertThat(TeamPlanner.Notices.parse(TeamGraphs.JSON.getNodeFactory().stringNode("final"))).isEqualTo(new TeamPlanner.Notices("final", 12, 10));
        assertThat(TeamPlanner.Notices.parse(json("{'mode': 'none'}"))).isEqualTo(new TeamPlanner.Notices("none", 12, 10));
        assertThat(TeamPlanner.Notices.parse(json("{'maxNotices': 0, 'minIntervalSeconds': 3600}"))).isEqualTo(new TeamPlanner.Notices("milestones", 0, 3600));
        assertThat(TeamPlanner.Notices.parse(json("{'maxNotices': 100, 'minIntervalSeconds': 1}"))).isEqualTo(new TeamPlanner.Notices("milestones", 100, 1));
    }

    @ParameterizedTest
    @CsvSource({"maxNotices, 101, 0 to 100 (default 12)", "maxNotices, -1, 0 to 100 (default 12)",
            "minIntervalSeconds, 0, 1 to 3600 (default 10)", "minIntervalSeconds, 3601, 1 to 3600 (default 10)"})
    void noticeLimitsBeyondAnEdgeAreRefused(String key, String value, String range) {
        String limit = range.substring(0, range.indexOf(" ("));
        assertThat(refusal(() -> TeamPlanner.Notices.parse(json("{'" + key + "': " + value + "}"))))
                .isEqualTo("start notices." + key + " is " + value + "; the limit is " + limit + " (seeds/002) Repair: set start notices."
                        + key + " from " + range + ", or omit it for the default");
    }

    @Test
    void badNoticesAreRefused() {
        assertThat(refusal(() -> TeamPlanner.Notices.parse(TeamGraphs.JSON.getNodeFactory().stringNode("loud"))))
                .isEqualTo("start notices mode 'loud' is not a notice mode Repair: use none, final or milestones (the default)");
        assertThat(refusal(() -> TeamPlanner.Notices.parse(json("{'every': 3}")))).startsWith("start notices has unknown key 'every'");
        assertThat(refusal(() -> TeamPlanner.Notices.parse(TeamGraphs.JSON.getNodeFactory().numberNode(3))))
                .startsWith("start notices must be a mode or an object, not 3 Repair: ");
        assertThat(refusal(() -> TeamPlanner.checkActionArgs("start", json("{'graph': {}, 'notices': {'maxNotices': 2.5}}"))))
                .startsWith("start notices.maxNotices must be an integer, not 2.5");
    }
}
