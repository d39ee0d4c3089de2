package dev.agentmesh.cli;

import dev.agentmesh.MeshException;
import dev.agentmesh.api.ApiResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code mesh reservations}: lists the live reservations; {@code mesh reservations check PATH...} answers for
 * scripts and guards whether the caller may edit the paths (exit 0 free, 3 when another agent holds one).
 */
@Command(name = "reservations", description = {"List the live reservations of the project.",
        "mesh reservations check PATH... tells whether you may edit those paths (exit 0 free, 3 held by another agent)."})
final class ReservationsCommand implements Callable<Integer> {
    @Mixin
    Options.Json json;

    @Override
    public Integer call() {
        return Cli.action(null, json.json, Cli.out(), Cli.args("reservations"));
    }

    @Command(mixinStandardHelpOptions = true, name = "check", description = {"Tell whether you may edit these paths: "
            + "the exclusive reservations of other agents that cover them.", "Exit 0 when free, 3 when one is held (the refusal names the holder)."})
    int check(@Parameters(paramLabel = "PATH", arity = "1..*", description = "Files, folders or globs of the project.") List<String> paths,
              @Mixin Options.As as, @Mixin Options.Json asJson) {
        var args = Cli.args("reservations.check");
        args.set("paths", Cli.JSON.valueToTree(paths));
        ApiResult r = Cli.api().call(Cli.caller(as.as, "cli"), args);
        if (asJson.json) {
            Cli.print(Cli.out(), true, r.text(), r.data());
            return r.data().path("free").asBoolean() ? 0 : MeshException.Kind.UNEXPECTED_STATE.exitCode();
        }
        if (!r.data().path("free").asBoolean()) {
            int n = r.data().path("conflicts").size();
            throw MeshException.unexpectedState(r.data().path("conflicts").path(0).path("message").asString()
                    + (n > 1 ? " (and " + (n - 1) + " more)" : ""));
        }
        Cli.print(Cli.out(), false, r.text(), r.data());
        return 0;
    }
}
