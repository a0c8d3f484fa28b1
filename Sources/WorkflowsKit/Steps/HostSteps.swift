import Foundation

/// The developer's steps on the host, with the host's Python, in the project's source root: the same
/// gate commands as inside the image.
struct HostSteps: Sendable {
    var project: Project
    var runner: any ProcessRunning
    var console: Console
    var resources: RunResources
    var details: StepDetails

    /// The gates on the host, several at once, reported as inside the image: each in the source root (or
    /// its own `gate.NAME.working-directory` under it), with the project's environment over the host's.
    func runGates(_ gates: [Gate]) async throws {
        guard !gates.isEmpty else {
            console.info(GateVerdicts.nothingToAssess)
            details.record(gates: [])
            return
        }
        if let note = RunServices.hostSideNote(project) { console.info(note) }
        let folder = try sourceFolder()
        let runs = try await ParallelGates(
            limit: ProcessInfo.processInfo.activeProcessorCount, console: console, cancellator: resources.cancellator
        ).run(gates) { [runner, project, resources] gate in
            let junitFile = resources.temporaryFolder("junit")
            defer { try? FileManager.default.removeItem(at: junitFile) }
            var python = project.arguments(for: gate)
            if gate == .pytest { python += PytestJUnit.arguments(writingTo: junitFile.path) }
            let command = Command(
                gate.program ?? Project.hostPython, python, environment: project.environment(of: gate),
                workingDirectory: Self.folder(of: gate, in: folder, project: project).path)
            let start = Date()
            let result = try await Self.launch(command, runner: runner, program: gate.program)
            return GateRun(
                gate: gate, passed: result.succeeded, seconds: Date().timeIntervalSince(start), command: command.argv,
                standardOutput: String(decoding: result.standardOutput, as: UTF8.self),
                standardError: String(decoding: result.standardError, as: UTF8.self),
                junit: try? Data(contentsOf: junitFile))
        }
        details.record(gates: runs.map {
            $0.report(for: project, workingDirectory: Self.folder(of: $0.gate, in: folder, project: project).path)
        })
        try GateVerdicts.report(runs, where: "on the host", console: console)
    }

    /// hadolint runs in the repository root (its paths are the repository's); the others in the source root.
    private static func folder(of gate: Gate, in sourceFolder: URL, project: Project) -> URL {
        if gate == .hadolint { return project.root }
        let relative = project.workingDirectory(of: gate)
        return relative == "." ? sourceFolder : sourceFolder.appendingPathComponent(relative)
    }

    /// isort, then black, rewrite the sources: only the formatters the project uses, ruff's as well.
    func styleCode() async throws {
        var rewrites: [[String]] = []
        if project.gates.contains(.isort) { rewrites.append(["isort"] + project.sources) }
        if project.gates.contains(.black) { rewrites.append(["black"] + project.sources) }
        if project.gates.contains(.ruffFormat) { rewrites.append(["ruff", "format"] + project.sources) }
        if rewrites.isEmpty { rewrites = [["isort"] + project.sources, ["black"] + project.sources] }
        for arguments in rewrites {
            let result = try await python(arguments)
            guard result.succeeded else {
                throw WorkflowsError(.failed, "\(arguments[0]) could not rewrite the code.", remedy: "Its output is above.")
            }
        }
    }

    func installAllPackages() async throws {
        var arguments = ["pip", "install"]
        for file in [project.runtimeRequirements].compactMap({ $0 }) + project.testRequirements {
            arguments += ["--requirement", project.path(file).path]
        }
        arguments += project.testDependencies.lines.map(\.requirement) + project.tools
        let result = try await python(arguments)
        guard result.succeeded else {
            throw WorkflowsError(
                .failed, "pip could not install the requirements.",
                remedy: "pip's output is above. In a system Python that refuses (PEP 668), create and activate a "
                    + "virtual environment first: python3 -m venv .venv && . .venv/bin/activate")
        }
    }

    /// `python -m PACKAGE` for the first source package that has a `__main__.py`.
    func runApp() async throws {
        let folder = project.path(project.sourceRoot)
        guard let package = project.sources.first(where: {
            FileManager.default.fileExists(atPath: folder.appendingPathComponent("\($0)/__main__.py").path)
        }) else {
            throw WorkflowsError(
                .input, "None of the sources (\(project.sources.joined(separator: ", "))) has a __main__.py to run.",
                remedy: "run_app runs 'python -m PACKAGE' in \(project.sourceRoot); add PACKAGE/__main__.py.")
        }
        let module = package.hasPrefix("src/") ? String(package.dropFirst(4)) : package
        let result = try await python([module.replacingOccurrences(of: "/", with: ".")])
        guard result.succeeded else {
            throw WorkflowsError(.failed, "The app stopped with \(describe(result.termination)).", remedy: "Its output is above.")
        }
    }

    /// `python3 -m ARGS` in the source root, echoed and streamed.
    private func python(_ moduleArguments: [String]) async throws -> ProcessOutput {
        let command = Command(
            Project.hostPython, ["-m"] + moduleArguments, workingDirectory: try sourceFolder().path, output: .live)
        console.command(command.argv)
        return try await Self.launch(command, runner: runner)
    }

    private func sourceFolder() throws -> URL {
        let folder = project.path(project.sourceRoot)
        guard FileManager.default.fileExists(atPath: folder.path) else {
            throw WorkflowsError(
                .input, "The host-side steps run in \(folder.path), which does not exist.",
                remedy: "Set 'source-root' in the project file, or pass -C with the repository root.")
        }
        return folder
    }

    private static func launch(_ command: Command, runner: any ProcessRunning, program: String? = nil) async throws -> ProcessOutput {
        do {
            return try await runner.run(command)
        } catch let error as ProcessLaunchError where program != nil {
            throw WorkflowsError(
                .tooling, "Cannot run \(program ?? "") on the host: \(error)",
                remedy: "'workflows install_all_packages' installs it with the other tools (pip's \(Hadolint.package)).")
        } catch let error as ProcessLaunchError {
            throw WorkflowsError(
                .tooling, "Cannot run the host's Python: \(error)",
                remedy: "Install Python 3.11 or newer, then 'workflows install_all_packages'.")
        }
    }
}
