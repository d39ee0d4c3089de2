package dev.agentmesh.cli;

import dev.agentmesh.Texts;
import tools.jackson.databind.node.ArrayNode;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** The checks a demo prints as it goes ({@code ok} or {@code FAILED}, what, and a detail), and its verdict. Not thread-safe. */
final class DemoChecks {
    private final List<String[]> checks = new ArrayList<>();

    /** Records a check and prints it as one line. */
    void check(PrintWriter out, String what, boolean ok, String detail) {
        checks.add(new String[]{ok ? "ok" : "FAILED", what, detail});
        out.println("  " + (ok ? "ok     " : "FAILED ") + what + " (" + Texts.oneLine(detail, 200) + ")");
        out.flush();
    }

    /** @return how many checks failed */
    long failed() {
        return checks.stream().filter(c -> !c[0].equals("ok")).count();
    }

    /** @return how many checks there are */
    int size() {
        return checks.size();
    }

    /** Adds each check as {@code {"ok", "check", "detail"}} to {@code list}. */
    void writeTo(ArrayNode list) {
        checks.forEach(c -> list.addObject().put("ok", c[0].equals("ok")).put("check", c[1]).put("detail", c[2]));
    }
}
