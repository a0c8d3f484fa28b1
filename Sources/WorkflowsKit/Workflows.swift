import Foundation

/// The engine the steps use, echoing to the console given.
typealias EngineMaker = @Sendable (Console) -> any ContainerEngine

/// The program: find and validate the project, validate the command line, then run the steps and choose
/// the exit status.
public enum Workflows {
    static let version = "0.2.0"

    /// The executable's whole main: real process runner, real console, signal handlers.
    public static func main(arguments: [String]) async -> Int32 {
        let environment = ProcessInfo.processInfo.environment
        let console = Console(environment: environment)
        // The registry password is for `docker login`'s stdin only, never for a child's environment.
        var childEnvironment = environment.filter { !$0.key.hasPrefix("WORKFLOWS_REGISTRY_") }
        // Podman (and Buildah) build OCI images by default, which drop the HEALTHCHECK; Docker ignores this.
        childEnvironment["BUILDAH_FORMAT"] = environment["BUILDAH_FORMAT"] ?? "docker"
        let children = ChildProcesses()
        // Cleanups run on after a signal, each command for 30 s at most, and none after one ran out of time:
        // a dead engine cannot hang the exit. A logout runs even then, with its own limit.
        let limits = CleanupLimits(environment: environment)
        let cleanupRunner = GivingUpRunner(
            FoundationProcessRunner(baseEnvironment: childEnvironment, timeLimit: limits.command, terminationGrace: limits.grace),
            essential: FoundationProcessRunner(
                baseEnvironment: childEnvironment, timeLimit: limits.essential, terminationGrace: limits.grace)
        ) {
            console.diagnostic($0)
        }
        let cancellator = Cancellator(children: children, cleanupRunner: cleanupRunner, unwindLimit: limits.unwind) { signal in
            console.diagnostic(
                "\nworkflows: \(signal == SIGINT ? "SIGINT" : "SIGTERM") received: stopping the running commands "
                    + "and removing this run's containers and images...")
        }
        cancellator.installSignalHandlers()
        let runner = FoundationProcessRunner(baseEnvironment: childEnvironment, children: children)
        let currentFolder = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        // A signal cancels this task; the status is then 128 + its number, and exitProcess ends by it.
        return await cancellator.runRoot {
            await run(
                arguments: arguments, environment: environment, runner: runner, console: console,
                cancellator: cancellator, currentFolder: currentFolder)
        }
    }

    /// Everything but the process-wide setup, so that tests can inject a fake runner, a fake engine
    /// (`engine`: the engine for a console; by default `DockerEngine` over `runner`) and a captured console.
    static func run(
        arguments: [String], environment: [String: String], runner: any ProcessRunning, console: Console,
        cancellator: Cancellator, currentFolder: URL, runID: String = RunResources.makeRunID(),
        engine: EngineMaker? = nil
    ) async -> Int32 {
        let wantsHelp = arguments.contains { ["help", "-h", "--help"].contains($0) }
        /// Prints the error, then the usage when no step was named, else what to do; returns the exit status.
        func failed(_ error: Error, project: Project?) -> Int32 {
            guard let error = error as? WorkflowsError else {
                console.diagnostic("workflows: error: \(error)")
                return ExitCode.usage
            }
            console.diagnostic("workflows: error: \(error.message)")
            if let project, arguments.allSatisfy({ $0.hasPrefix("-") }) {
                console.diagnostic("\n" + Usage.text(for: project))
            } else if let remedy = error.remedy {
                console.diagnostic(remedy)
            }
            return error.exitCode
        }
        let root: URL
        let rest: [String]
        do {
            (root, rest) = try ProjectDirectory.extract(arguments, currentFolder: currentFolder)
        } catch {
            return failed(error, project: nil)
        }
        let project: Project
        do {
            project = try ProjectLoader.load(root: root, variables: environment)
        } catch {
            if wantsHelp {
                // Help still helps when the project file is wrong; the error says what to fix.
                console.info(Usage.text(for: nil))
                console.diagnostic("")
            }
            return failed(error, project: nil)
        }
        // What came from ${VAR} is never printed or reported from here on.
        console.secrets.add(project.secrets)
        let invocation: Invocation
        do {
            invocation = try Invocation.parse(rest, environment: environment, project: project)
        } catch {
            return failed(error, project: project)
        }
        switch invocation {
        case .help:
            console.info(Usage.text(for: project))
            return ExitCode.success
        case .version:
            console.info("workflows \(version)")
            return ExitCode.success
        case .run(let steps, let settings):
            let makeEngine: EngineMaker = engine ?? { [executable = settings.docker] console in
                DockerEngine(executable: executable, runner: runner, console: console)
            }
            let resources = RunResources(
                runID: runID, cancellator: cancellator, runner: runner, engine: makeEngine(console))
            let pipeline = Pipeline(
                project: project, settings: settings, environment: environment, runner: runner, console: console,
                resources: resources, commandLine: arguments, makeEngine: makeEngine)
            return await pipeline.run(steps)
        }
    }
}
