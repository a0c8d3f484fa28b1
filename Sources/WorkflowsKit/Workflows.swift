import Foundation

/// The program: validate the command line, then run the steps and choose the exit status.
public enum Workflows {
    public static let version = "0.1.0"

    /// The executable's whole main: real process runner, real console, signal handlers.
    public static func main(arguments: [String]) async -> Int32 {
        let environment = ProcessInfo.processInfo.environment
        let console = Console(environment: environment)
        // The registry password is for `docker login`'s stdin only, never for a child's environment.
        let childEnvironment = environment.filter { !$0.key.hasPrefix("WORKFLOWS_REGISTRY_") }
        let children = ChildProcesses()
        // Cleanups run on after a signal, each command for 30 s at most: a dead engine cannot hang the exit.
        let cleanupRunner = FoundationProcessRunner(baseEnvironment: childEnvironment, timeLimit: 30)
        let cancellator = Cancellator(children: children, cleanupRunner: cleanupRunner) { signal in
            console.diagnostic(
                "\nworkflows: \(signal == SIGINT ? "SIGINT" : "SIGTERM") received: stopping the running commands "
                    + "and removing this run's containers and images...")
        }
        cancellator.installSignalHandlers()
        let runner = FoundationProcessRunner(baseEnvironment: childEnvironment, children: children)
        let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        // A signal cancels this task; the status is then 128 + its number, and exitProcess ends by it.
        return await cancellator.runRoot {
            await run(
                arguments: arguments, environment: environment, runner: runner, console: console,
                cancellator: cancellator, root: root)
        }
    }

    /// Everything but the process-wide setup, so that tests can inject a fake runner and a captured console.
    public static func run(
        arguments: [String], environment: [String: String], runner: any ProcessRunning, console: Console,
        cancellator: Cancellator, root: URL, project: Project = .numbersAPI, runID: String = StepContext.makeRunID()
    ) async -> Int32 {
        let invocation: Invocation
        do {
            invocation = try Invocation.parse(arguments, environment: environment, project: project)
        } catch let error as WorkflowsError {
            console.diagnostic("workflows: error: \(error.message)")
            if arguments.allSatisfy({ $0.hasPrefix("-") }) {
                console.diagnostic("\n" + Usage.text(for: project))
            } else if let remedy = error.remedy {
                console.diagnostic(remedy)
            }
            return error.exitCode
        } catch {
            console.diagnostic("workflows: error: \(error)")
            return ExitCode.usage
        }
        switch invocation {
        case .help:
            console.info(Usage.text(for: project))
            return ExitCode.success
        case .version:
            console.info("workflows \(version)")
            return ExitCode.success
        case .run(let steps, let settings):
            let context = StepContext(
                project: project, settings: settings, runner: runner, console: console, cancellator: cancellator,
                runID: runID, root: root, environment: environment)
            return await Pipeline(context: context).run(steps)
        }
    }
}
