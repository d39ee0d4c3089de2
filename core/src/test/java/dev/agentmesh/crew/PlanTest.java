package dev.agentmesh.crew;

import dev.agentmesh.MeshException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Plans are parsed from the planner's tasks-json block and refused, naming the tasks, when invalid. */
class PlanTest {

    private static String answer(String json) {
        return "Here is the plan.\n```tasks-json\n" + json + "\n```\n";
    }

    @Test
    void aValidPlanKeepsOrderIdsAndDependencies() {
        Plan p = Plan.parse(answer("""
                [{"title": "A"}, {"id": "b", "title": "B", "description": "do b", "depends_on": ["task-1"]}]"""));
        assertThat(p.tasks()).extracting(TaskSpec::id).containsExactly("task-1", "b");
        assertThat(p.tasks().get(1).dependsOn()).containsExactly("task-1");
        assertThat(p.tasks().get(1).description()).isEqualTo("do b");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "[{\"id\":\"task-7\",\"title\":\"A\",\"dependsOn\":[\"task-9\"]}]|task-7 depends on task-9, which does not exist",
            "[{\"id\":\"a\",\"title\":\"A\",\"dependsOn\":[\"b\"]},{\"id\":\"b\",\"title\":\"B\",\"dependsOn\":[\"a\"]}]|the plan has a dependency cycle: a -> b -> a",
            "[{\"id\":\"a\",\"title\":\"A\",\"dependsOn\":[\"a\"]}]|a depends on itself",
            "[{\"id\":\"a\",\"title\":\"A\"},{\"id\":\"a\",\"title\":\"B\"}]|task id a appears twice in the plan",
            "[{\"id\":\"a\"}]|a has no title",
            "[]|the plan has no tasks",
            "[{\"id\":5,\"title\":\"A\"}]|task 1 of the plan: 'id' must be a string, not 5",
            "[{\"title\":[\"A\"]}]|task 1 of the plan: 'title' must be a string, not [\"A\"]",
            "[{\"id\":\"a\",\"title\":\"A\",\"dependsOn\":[1]}]|a: dependsOn must hold task ids (strings), not 1",
            "[{\"id\":\"a\",\"title\":\"A\"},{\"id\":\"b\",\"title\":\"B\",\"dependsOn\":[\"a\",\"a\"]}]|b lists a dependency twice: [a, a]",
            "{\"x\":1}|the tasks-json block must be a JSON array of tasks",
            "[1]|task 1 of the plan is not a JSON object",
    })
    void anInvalidPlanIsRefusedWithOneLine(String json, String message) {
        assertThatThrownBy(() -> Plan.parse(answer(json))).isInstanceOf(MeshException.class).hasMessage(message);
    }

    @Test
    void anAnswerWithoutTheBlockOrWithBadJsonIsRefused() {
        assertThatThrownBy(() -> Plan.parse("no plan here")).hasMessage("the planner's answer has no ```tasks-json block");
        assertThatThrownBy(() -> Plan.parse(answer("[{"))).hasMessageStartingWith("the tasks-json block is not valid JSON");
    }
}
