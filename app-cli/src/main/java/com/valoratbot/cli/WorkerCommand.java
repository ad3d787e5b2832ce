package com.valoratbot.cli;

import com.valoratbot.worker.Settings;
import com.valoratbot.worker.WorkerApp;
import com.valoratbot.worker.WorkerConfig;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "worker",
        mixinStandardHelpOptions = true,
        description = "Run the worker daemon until stopped (Ctrl-C or SIGTERM stops it gracefully).")
final class WorkerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--sandbox",
            description = "Run against the local Discord stand-in with its demo guild (no token needed).")
    boolean sandbox;

    private Map<String, String> env = Map.of();

    void environment(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() throws InterruptedException {
        try {
            WorkerApp.runUntilStopped(Settings.load(env), sandbox);
            return 0;
        } catch (WorkerConfig.MissingTokenException e) {
            spec.commandLine().getErr().println("valoratbot: " + e.getMessage());
            return 2;
        }
    }
}
