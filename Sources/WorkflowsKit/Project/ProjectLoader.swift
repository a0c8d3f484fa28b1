import Foundation
import TOML

/// Resolves the `Project` at a repository root: the project file's keys where it sets them, the
/// repository's conventions where it does not (the README's table), each value with its origin.
/// Throws a `.usage` error, naming the file, line and column, for anything wrong, before anything runs.
enum ProjectLoader {
    static let convention = "convention"
    static let testRequirementCandidates = [
        "requirements-test.txt", "requirements-tests.txt", "requirements-dev.txt", "requirements_dev.txt",
        "requirements.dev.txt", "test-requirements.txt", "dev-requirements.txt", "requirements/test.txt",
        "requirements/tests.txt", "requirements/dev.txt", "requirements/development.txt", "requirements-test.in",
        "requirements-dev.in", "requirements/test.in", "requirements/dev.in",
    ]

    /// `variables`: the environment that `${VAR}` in the project file reads.
    static func load(root: URL, variables: [String: String] = [:]) throws -> Project {
        let fileManager = FileManager.default
        var isFolder: ObjCBool = false
        guard fileManager.fileExists(atPath: root.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw WorkflowsError(
                .usage, "The project folder \(root.path) does not exist.",
                remedy: "Pass -C with the repository's root folder.")
        }
        let rootPyproject = root.appendingPathComponent("pyproject.toml")
        let pyproject =
            fileManager.fileExists(atPath: rootPyproject.path)
            ? try TOMLFiles.read(rootPyproject, name: "pyproject.toml") : nil
        let file: ProjectFile?
        do {
            file = try ProjectFile.load(root: root, pyproject: pyproject, variables: variables)
        } catch let error as ProjectFileError {
            throw error.asWorkflowsError
        }
        do {
            return try resolve(root: root, file: file, pyproject: pyproject)
        } catch let error as ProjectFileError {
            throw error.asWorkflowsError
        }
    }

    static func resolve(root: URL, file: ProjectFile?, pyproject: TOMLTable?) throws -> Project {
        var origins: [String: String] = [:]
        func pick<T>(_ key: String, _ value: ProjectFile.Value<T>?, _ fallback: () -> (T, String)) -> T {
            if let value {
                origins[key] = value.origin
                return value.value
            }
            let (resolved, origin) = fallback()
            origins[key] = origin
            return resolved
        }
        let checker = PathChecker(root: root, file: file?.file ?? "")

        try file?.sourceRoot.map { try checker.folder($0, key: "source-root") }
        try file?.dockerfile.map { try checker.file($0, key: "dockerfile") }
        try file?.context.map { try checker.folder($0, key: "context") }
        // Looked for only when the project file does not name the Dockerfile.
        let discovered = file?.dockerfile == nil ? try DockerfileDiscovery.find(root: root, context: file?.context?.value) : nil
        let dockerfile = pick("dockerfile", file?.dockerfile) { (discovered?.dockerfile ?? "Dockerfile", discovered?.origin ?? convention) }
        let context = pick("context", file?.context) {
            (discovered?.context ?? ".", discovered?.origin ?? convention)
        }
        // A build context found in a subfolder (through compose.yaml or the tree) is what the image holds.
        let sourceRoot = pick("source-root", file?.sourceRoot) {
            guard let discovered, file?.context == nil, discovered.context != "." else { return (".", convention) }
            return (discovered.context, "convention (the build context)")
        }

        let configs = try ConfigFiles.discover(root: root, sourceRoot: sourceRoot)
        let sourceFolder = sourceRoot == "." ? root : root.appendingPathComponent(sourceRoot)
        let layout = SourceLayout.scan(sourceFolder)
        let django = DjangoSite.detect(sourceFolder: sourceFolder)

        let tests = pick("tests", file?.tests) {
            if let (paths, origin) = configs.pytestTestPaths() { return (paths, origin) }
            // A Django site's apps hold their tests (`tests.py`, `tests/`): Django's convention finds them all.
            if layout.conventionalTests.allSatisfy(layout.testsInPackages.contains), let django, !django.tests.isEmpty {
                return (django.tests, "convention (the Django apps' tests)")
            }
            return (layout.conventionalTests, convention)
        }
        try file?.tests.map { try checker.each($0, under: sourceRoot, key: "tests") }
        let sources = pick("sources", file?.sources) {
            var sources = layout.packages + layout.modules
            // Tests inside a source folder (`svc/tests` in `svc`) are linted with it, not listed twice.
            for test in tests where !sources.contains(where: { test == $0 || test.hasPrefix($0 + "/") }) {
                sources.append(test)
            }
            return (sources, convention)
        }
        try file?.sources.map { try checker.each($0, under: sourceRoot, key: "sources") }

        let conventional = file?.testRequirements == nil ? try TestDependencyDiscovery.convention(pyproject: pyproject) : nil
        let entries = pick("test-requirements", file?.testRequirements) {
            if let conventional { return (conventional.entries, "convention (\(conventional.origin))") }
            let candidates = testRequirementCandidates.filter {
                FileManager.default.fileExists(atPath: root.appendingPathComponent($0).path)
            }
            return (candidates.first.map { [$0] } ?? [], convention)
        }
        let requirementFiles = entries.filter(TestDependencyDiscovery.isFile)
        var declaredLines = conventional?.lines ?? []
        if let named = file?.testRequirements {
            try checker.each(.init(value: requirementFiles, origin: named.origin, position: named.position), under: ".", key: "test-requirements")
            declaredLines = try TestDependencyDiscovery.named(named, file: file?.file ?? "", pyproject: pyproject)
        }
        let requirements = try Requirements.read(requirementFiles, root: root)
        let (lines, droppedLines) = TestDependencyDiscovery.withoutInstallers(declaredLines)
        /// Where each installed name is listed: a requirement file, or a table of pyproject.toml.
        var listed = requirements.origins
        for line in lines {
            if let name = Requirements.distribution(in: line.requirement), listed[name] == nil { listed[name] = line.origin }
        }
        var dependencies = TestDependencies()
        dependencies.entries = entries
        dependencies.lines = lines
        dependencies.droppedInstallers = droppedLines + requirements.installers
        if let lock = try LockFiles.pins(root: root) {
            // A requirement file's own pin of a name wins over the lock's (two pins would conflict).
            dependencies.lockFile = lock.file
            dependencies.lockPins = lock.pins.filter { pin in
                Requirements.distribution(in: pin).map { requirements.origins[$0] == nil } ?? false
            }
        }
        let locked = Set(dependencies.lockPins.compactMap(Requirements.distribution(in:)))

        let preCommit = try PreCommitHooks.read(root: root)
        var notes = preCommit?.notes ?? []
        // What each hook's files/exclude leave of the sources (nil: all of them).
        var hookPaths: [Gate: [String]] = [:]
        if let preCommit {
            let filter = PreCommitFiles(root: root, sourceRoot: sourceRoot)
            // hadolint's hook checks Dockerfiles, not the sources.
            for gate in Gate.canonicalOrder where gate != .hadolint {
                guard let hook = preCommit.hooks[gate] else { continue }
                hookPaths[gate] = try filter.selection(sources: sources, hook: hook, config: preCommit)
            }
        }

        var gateOrigins: [String] = []
        let pytestDjango = DjangoSite.usesPytestDjango(configs: configs, installed: Set(listed.keys))
        let djangoRunner = django != nil && pytestDjango == nil
        let gates = pick("gates", file?.gates) {
            var gates: [Gate] = []
            for gate in Gate.canonicalOrder {
                if gate == .pytest {
                    if !tests.isEmpty, !djangoRunner {
                        gates.append(gate)
                        gateOrigins.append("pytest: tests found" + (django == nil ? "" : ", \(pytestDjango ?? "")"))
                    }
                } else if gate == .django {
                    if let django, djangoRunner {
                        gates.append(gate)
                        gateOrigins.append("django: manage.py (\(django.settingsModule))")
                    }
                } else if gate == .hadolint, let config = Hadolint.config(root: root) {
                    gates.append(gate)
                    gateOrigins.append("hadolint: \(config)")
                } else if let origin = configs.configuration(of: gate) {
                    gates.append(gate)
                    gateOrigins.append("\(gate.name): \(origin)")
                } else if let hook = preCommit?.hooks[gate], hookPaths[gate]?.isEmpty != true {
                    gates.append(gate)
                    gateOrigins.append("\(gate.name): \(hook.origin)")
                } else if gate == .black || gate == .isort, let place = listed[gate.package] {
                    // Installed by the project for no other use than running it.
                    gates.append(gate)
                    gateOrigins.append("\(gate.name): listed in \(place), no config section")
                }
            }
            return (gates, gateOrigins.isEmpty ? convention : "convention (" + gateOrigins.joined(separator: "; ") + ")")
        }
        if gates.contains(.pytest), tests.isEmpty {
            throw ProjectFileError(
                file: file?.file ?? "", position: file?.gates?.position ?? TOMLPosition(line: 1, column: 1),
                "the pytest gate has no tests: set 'tests', or remove pytest from 'gates'")
        }
        var tools: [String] = []
        var unpinned: [String] = []
        for gate in gates where !gate.usesTheProjectsOwnTool && gate != .hadolint && !tools.contains(gate.package) {
            let name = Requirements.normalize(gate.package)
            guard listed[name] == nil else { continue }
            tools.append(gate.package)
            if !requirements.constrained.contains(name), !locked.contains(name) { unpinned.append(gate.package) }
        }

        var toolOrigins: [String: String] = [:]
        var gateSettings: [Gate: Project.GateSettings] = [:]
        if let preCommit {
            let hooked = PreCommitGates(
                hooks: preCommit, gates: gates, paths: hookPaths, explicitGates: file?.gates != nil)
            hooked.pin(tools: &tools, unpinned: &unpinned, origins: &toolOrigins, notes: &notes)
            gateSettings = hooked.settings(origins: &origins, notes: &notes)
        }

        // hadolint is always pinned: by the project's own requirement, else a hook's rev, else ours.
        if gates.contains(.hadolint), listed[Hadolint.package] == nil, !requirements.constrained.contains(Hadolint.package),
            !locked.contains(Hadolint.package)
        {
            let (requirement, origin, note) = Hadolint.pin(hook: preCommit?.hooks[.hadolint])
            tools.append(requirement)
            toolOrigins[requirement] = origin
            if let note { notes.append(note) }
        }

        var configFiles = ConfigFiles.names.compactMap { name in
            configs.found[name].map { Project.ConfigFile(source: $0, destination: name) }
        }
        let conftest = sourceRoot == "." ? "conftest.py" : sourceRoot + "/conftest.py"
        // A root conftest.py that is one of the tests (tests at the root) travels once, as a test.
        if !tests.contains("conftest.py"), FileManager.default.fileExists(atPath: root.appendingPathComponent(conftest).path) {
            configFiles.append(Project.ConfigFile(source: conftest, destination: "conftest.py"))
        }

        let image = pick("image", file?.image) { (defaultImage(root: root, pyproject: pyproject), convention) }
        if let value = file?.image, !ImageReference.isValid(value.value) {
            throw ProjectFileError(
                file: file?.file ?? "", position: value.position,
                "'\(value.value)' is not a valid image reference (lower-case name, optional :tag)")
        }
        var health: Project.HealthProbe?
        if let url = file?.healthURL {
            health = .url(url.value)
            origins["health"] = url.origin
        } else if let command = file?.healthCommand {
            health = .command(command.value)
            origins["health"] = command.origin
        } else {
            origins["health"] = convention
        }
        let environment = pick("health.environment", file?.healthEnvironment) { ([:], convention) }
        let timeout = pick("health.timeout", file?.healthTimeout) { (60, "default") }

        var project = Project(
            root: root, file: file?.file, image: image, dockerfile: dockerfile, context: context,
            sourceRoot: sourceRoot, sources: sources, tests: tests, testRequirements: requirementFiles,
            requirementFiles: requirements.files,
            runtimeRequirements: runtimeRequirements(root: root, sourceRoot: sourceRoot), gates: gates, unpinnedTools: unpinned, tools: tools, testDependencies: dependencies,
            configFiles: configFiles,
            health: health, healthEnvironment: environment, healthTimeoutSeconds: timeout, origins: origins)
        // A pre-commit hook's settings first: the project file's gate.NAME keys go over them.
        for (gate, settings) in gateSettings { project.gateSettings[gate] = settings }
        project.toolOrigins = toolOrigins
        project.hadolintConfig = gates.contains(.hadolint) ? Hadolint.config(root: root) : nil
        // The most specific pin wins: the tools' own, over the requirement files', the declared lines', the lock's.
        for pin in dependencies.lockPins + lines.map(\.requirement) {
            if let name = Requirements.distribution(in: pin), let version = Requirements.exactVersion(in: pin) {
                project.toolVersions[name] = version
            }
        }
        project.toolVersions.merge(requirements.pins) { _, file in file }
        for pin in tools {
            if let name = Requirements.distribution(in: pin), let version = Requirements.exactVersion(in: pin) {
                project.toolVersions[name] = version
            }
        }
        try GateSettingsResolution.apply(file: file, django: django, configs: configs, to: &project)
        if gates.contains(.hadolint) {
            let origin = project.origins["gate.hadolint.args"] ?? "hadolint's arguments"
            let (arguments, format) = Hadolint.withoutFormat(project.gateSettings[.hadolint]?.arguments ?? [])
            if let format {
                project.gateSettings[.hadolint]?.arguments = arguments
                notes.append("hadolint's --format \(format) (\(origin)) is left out: the reports read hadolint's own output.")
            }
            // A configuration the arguments name (a pre-commit hook's `args: [--config, …]`) replaces the root's.
            if let named = try Hadolint.namedConfig(in: arguments, origin: origin, root: root) { project.hadolintConfig = named }
            project.hadolintThreshold = try Hadolint.failureThreshold(
                arguments: arguments, argumentsOrigin: origin, environment: project.environment(of: .hadolint),
                environmentOrigin: project.origins["gate.hadolint.environment"] ?? project.origins["environment"] ?? "environment",
                config: project.hadolintConfig, root: root)
        }
        project.notes = notes
        project.services = try ServiceValues.resolve(
            file?.services ?? [], file: file?.file ?? "", root: root, origins: &project.origins)
        let build = try BuildInputs.resolve(
            file?.build, root: root, dockerfile: dockerfile, file: file?.file ?? "", origins: &project.origins)
        project.build = build.inputs
        project.secrets += build.secretValues.filter { !project.secrets.contains($0) }
        if gates.contains(.pytest) {
            project.coverage = PytestCoverage.detect(
                requirements: requirements, testRequirements: requirementFiles, configs: configs, sources: sources, tests: tests)
        }
        return project
    }

    /// `[project].name`, else the folder's name; lower-cased, made a valid repository name, `:latest`.
    static func defaultImage(root: URL, pyproject: TOMLTable?) -> String {
        let name = pyproject?["project"]?.tableValue?["name"]?.stringValue ?? root.lastPathComponent
        var repository = name.lowercased().replacingOccurrences(
            of: "[^a-z0-9._-]+", with: "-", options: .regularExpression)
        repository = repository.trimmingCharacters(in: CharacterSet(charactersIn: "._-"))
        if repository.isEmpty || !ImageReference.isValidRepository(repository) { repository = "app" }
        return repository + ":latest"
    }

    static func runtimeRequirements(root: URL, sourceRoot: String) -> String? {
        let candidates = [sourceRoot == "." ? nil : sourceRoot + "/requirements.txt", "requirements.txt"]
        return candidates.compactMap { $0 }.first {
            FileManager.default.fileExists(atPath: root.appendingPathComponent($0).path)
        }
    }
}

/// Checks the paths a project file names: they exist, of the right kind, inside the repository.
private struct PathChecker {
    var root: URL
    var file: String

    func folder(_ value: ProjectFile.Value<String>, key: String) throws {
        try check(value.value, under: ".", position: value.position, key: key, folder: true)
    }

    func file(_ value: ProjectFile.Value<String>, key: String) throws {
        try check(value.value, under: ".", position: value.position, key: key, folder: false)
    }

    func each(_ value: ProjectFile.Value<[String]>, under base: String, key: String) throws {
        for path in value.value {
            try check(path, under: base, position: value.position, key: key, folder: nil)
        }
    }

    private func check(_ path: String, under base: String, position: TOMLPosition, key: String, folder: Bool?) throws {
        let relative = base == "." ? path : base + "/" + path
        let normalized = (relative as NSString).standardizingPath
        guard !path.hasPrefix("/"), normalized != "..", !normalized.hasPrefix("../") else {
            throw ProjectFileError(
                file: file, position: position, "'\(key)' names '\(path)', which is outside the repository")
        }
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: root.appendingPathComponent(relative).path, isDirectory: &isFolder)
        let place = base == "." ? "the repository root" : base + "/"
        guard exists else {
            throw ProjectFileError(
                file: file, position: position, "'\(key)' names '\(path)', which does not exist in \(place)")
        }
        if let folder, folder != isFolder.boolValue {
            throw ProjectFileError(
                file: file, position: position, "'\(key)' names '\(path)', which is not a \(folder ? "folder" : "file")")
        }
    }
}

/// What a source folder holds by Python's conventions.
struct SourceLayout: Sendable, Equatable {
    /// Import packages (folders with `__init__.py`), `src/NAME` in a src layout; tests excluded.
    var packages: [String]
    /// Top-level modules that are not tests, setup scripts or configuration.
    var modules: [String]
    /// `tests`, else `test`, else the `test_*.py` and `*_test.py` files (and `conftest.py`) at the top and
    /// the `tests` (else `test`) folders inside the packages.
    var conventionalTests: [String]
    /// Those of `conventionalTests` inside the packages (`svc/tests`).
    var testsInPackages: [String] = []

    static let notSources: Set<String> = ["setup.py", "noxfile.py", "conftest.py"]

    static func scan(_ folder: URL) -> SourceLayout {
        let fileManager = FileManager.default
        func entries(_ url: URL) -> [String] {
            ((try? fileManager.contentsOfDirectory(atPath: url.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        }
        func isPackage(_ url: URL) -> Bool { fileManager.fileExists(atPath: url.appendingPathComponent("__init__.py").path) }
        func isFolder(_ url: URL) -> Bool {
            var folder: ObjCBool = false
            return fileManager.fileExists(atPath: url.path, isDirectory: &folder) && folder.boolValue
        }
        let names = entries(folder)
        var tests: [String] = []
        for candidate in ["tests", "test"] where tests.isEmpty && isFolder(folder.appendingPathComponent(candidate)) {
            tests = [candidate]
        }
        let isTestModule = { (name: String) in
            name.hasSuffix(".py") && (name.hasPrefix("test_") || name.hasSuffix("_test.py"))
        }
        if tests.isEmpty {
            tests = names.filter(isTestModule)
            if !tests.isEmpty, names.contains("conftest.py") { tests.insert("conftest.py", at: 0) }
        }
        var packages = names.filter { name in
            !["tests", "test"].contains(name) && isPackage(folder.appendingPathComponent(name))
        }
        if isFolder(folder.appendingPathComponent("src")) {
            packages += entries(folder.appendingPathComponent("src")).filter {
                isPackage(folder.appendingPathComponent("src/\($0)"))
            }.map { "src/\($0)" }
        }
        var testsInPackages: [String] = []
        if !["tests", "test"].contains(tests.first ?? "") {
            for package in packages {
                let inside = ["tests", "test"].first { isFolder(folder.appendingPathComponent("\(package)/\($0)")) }
                if let inside { testsInPackages.append("\(package)/\(inside)") }
            }
        }
        tests += testsInPackages
        let modules = names.filter { name in
            name.hasSuffix(".py") && !isTestModule(name) && !notSources.contains(name)
                && String(name.dropLast(3)).range(of: "^[A-Za-z_][A-Za-z0-9_]*$", options: .regularExpression) != nil
        }
        return SourceLayout(packages: packages, modules: modules, conventionalTests: tests, testsInPackages: testsInPackages)
    }
}
