import WorkflowsKit

/// Parses nothing itself: the library validates the command line, runs the steps and chooses the exit code.
let status = await Workflows.main(arguments: Array(CommandLine.arguments.dropFirst()))
exitProcess(status)
