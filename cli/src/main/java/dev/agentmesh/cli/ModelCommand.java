package dev.agentmesh.cli;

import dev.agentmesh.model.Script;
import dev.agentmesh.model.ScriptedModelServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** {@code mesh model ...}: the scripted model server, for deterministic runs of real agent CLIs with no API key. */
@Command(name = "model", mixinStandardHelpOptions = true, description = "The scripted model server: replays scripted tool calls and texts to agent CLIs.")
final class ModelCommand {

    @Command(name = "serve", mixinStandardHelpOptions = true, description = {
            "Serve a script as an OpenAI-compatible model (Chat Completions, SSE) on 127.0.0.1 until killed.",
            "Prints one line: model server listening on http://127.0.0.1:PORT/v1 (script FILE, N rules)"})
    int serve(@Option(names = "--script", required = true, paramLabel = "FILE",
                      description = "The script: YAML (or JSON) with rules of match phrases and steps.") Path file,
              @Option(names = "--port", defaultValue = "0", paramLabel = "N",
                      description = "The port on 127.0.0.1; 0 (default) picks a free one.") int port) throws InterruptedException {
        Script script = Script.load(file);
        ScriptedModelServer server = ScriptedModelServer.start(script, port);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(server::close));
        Cli.out().println("model server listening on " + server.baseUrl() + " (script " + file + ", "
                + script.rules().size() + " rules)");
        Cli.out().flush();
        // Serves until SIGTERM/SIGINT; the shutdown hook closes the server.
        new CountDownLatch(1).await();
        return 0;
    }
}
