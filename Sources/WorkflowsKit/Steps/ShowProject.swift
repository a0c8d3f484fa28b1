/// `show_project`: the resolved project, each value with where it came from, as `git config --show-origin`.
struct ShowProject: Sendable {
    var project: Project
    var settings: Settings
    var console: Console

    func run() {
        console.info("Project at \(project.root.path), described by \(project.file ?? "conventions alone (no project file)"):")
        let health: String
        switch project.health {
        case .url(let url)?: health = "url " + url
        case .command(let command)?: health = "command " + command
        case nil: health = HealthPlan.conventionText
        }
        let environment = Self.assignments(project.healthEnvironment)
        let rows: [(String, String, String)] = [
            ("image", settings.image, settings.image == project.image ? origin("image") : "--image or WORKFLOWS_IMAGE"),
            ("dockerfile", project.dockerfile + (MissingDockerfile(project: project).map { " " + $0.mark } ?? ""),
             origin("dockerfile")),
            ("context", project.context, origin("context")),
            ("source-root", project.sourceRoot, origin("source-root")),
            ("sources", list(project.sources), origin("sources")),
            ("tests", list(project.tests), origin("tests")),
            ("test-requirements", list(project.testDependencies.entries), origin("test-requirements")),
            ("gates", list(project.gates.map(\.name)), origin("gates")),
            ("health", health, origin("health")),
            ("health.environment", list(environment), origin("health.environment")),
            ("health.timeout", Seconds.format(settings.healthTimeoutSeconds),
             settings.healthTimeoutSeconds == project.healthTimeoutSeconds
                ? origin("health.timeout") : "--health-timeout or WORKFLOWS_HEALTH_TIMEOUT"),
            ("environment", list(Self.assignments(project.environment)), origin("environment")),
        ] + gateRows + buildRows + serviceRows
        let keyWidth = (rows.map(\.0.count).max() ?? 0) + 2
        let valueWidth = min((rows.map(\.1.count).max() ?? 0) + 2, 48)
        for (key, value, origin) in rows {
            let paddedValue = value.count >= valueWidth ? value + "  " : value.padding(toLength: valueWidth, withPad: " ", startingAt: 0)
            console.info("  " + key.padding(toLength: keyWidth, withPad: " ", startingAt: 0) + paddedValue + origin)
        }
        if let dockerfile = try? String(contentsOf: project.path(project.dockerfile), encoding: .utf8),
            let forecast = HealthPlan.forecast(dockerfile: dockerfile, project: project)
        {
            console.info("Health, as the Dockerfile tells it: \(forecast)")
        }
        if !project.configFiles.isEmpty {
            console.info("Travel into the gates' image with the tests: "
                + project.configFiles.map { $0.source == $0.destination ? $0.source : "\($0.source) (as \($0.destination))" }
                    .joined(separator: ", "))
        }
        if project.requirementFiles.count > project.testRequirements.count {
            console.info("Test requirements, with what they include: " + project.requirementFiles.joined(separator: ", "))
        }
        let dependencies = project.testDependencies
        var origins: [String] = []
        for line in dependencies.lines where !origins.contains(line.origin) { origins.append(line.origin) }
        for origin in origins {
            console.info("Test dependencies from \(origin): "
                + dependencies.lines.filter { $0.origin == origin }.map(\.requirement).joined(separator: ", "))
        }
        if let lock = dependencies.lockFile {
            console.info("Pinned by \(lock) (constraints of the tools' install, under the image's own versions): "
                + (dependencies.lockPins.isEmpty ? "nothing" : dependencies.lockPins.joined(separator: ", ")))
        }
        if !dependencies.droppedInstallers.isEmpty {
            console.info("Left out of the tools' install (installers, not gate dependencies): "
                + dependencies.droppedInstallers.joined(separator: ", "))
        }
        let hadolint = project.tools.filter { $0.hasPrefix(Hadolint.package + "==") }
        for requirement in hadolint {
            console.info("hadolint: \(requirement) from \(project.toolOrigins[requirement] ?? "the test requirements")"
                + (project.hadolintConfig.map { ", configured by \($0)" } ?? ""))
        }
        let versioned = project.tools.filter { project.toolOrigins[$0] != nil && !hadolint.contains($0) }
        if !versioned.isEmpty {
            console.info("Gate tools at the pre-commit hooks' versions: "
                + versioned.map { "\($0) from \(project.toolOrigins[$0] ?? "")" }.joined(separator: ", "))
        }
        if !project.unpinnedTools.isEmpty {
            console.info("Pinned in no test requirement, so installed at their latest version: "
                + project.unpinnedTools.joined(separator: ", "))
        }
        if !project.services.isEmpty {
            console.info(
                "Services start for assess_image_code and assess_image_health, each step on a network of its own (a shared "
                    + "service joins both), reachable by their names; host-side steps start none.")
        }
        for note in project.notes { console.info("Note: " + note + ".") }
    }

    /// `services.NAME` and its keys.
    private var serviceRows: [(String, String, String)] {
        project.services.flatMap { service -> [(String, String, String)] in
            let key = "services.\(service.name)"
            let sourceKey: String
            switch service.source {
            case .image: sourceKey = key + ".image"
            case .build: sourceKey = key + ".build"
            }
            var rows = [(key, service.sourceText, origin(sourceKey))]
            if !service.environment.isEmpty {
                rows.append((key + ".environment", list(Self.assignments(service.environment)), origin(key + ".environment")))
            }
            rows.append((key + ".health", service.health.map { "command " + $0 }
                ?? "the image's HEALTHCHECK, else TCP to its EXPOSEd port", origin(key + ".health")))
            rows.append((key + ".health-timeout", Seconds.format(service.healthTimeoutSeconds),
                         project.origins[key + ".health-timeout"] ?? "default"))
            if service.shared { rows.append((key + ".shared", "true", origin(key + ".shared"))) }
            return rows
        }
    }

    /// `gate.NAME.args`, `.working-directory`, `.environment` of the gates that have them.
    private var gateRows: [(String, String, String)] {
        project.gates.flatMap { gate -> [(String, String, String)] in
            guard let settings = project.gateSettings[gate] else { return [] }
            let key = "gate.\(gate.name)."
            var rows: [(String, String, String)] = []
            if let paths = settings.paths {
                rows.append((key + "paths", list(paths), origin(key + "paths")))
            }
            if !settings.arguments.isEmpty {
                rows.append((key + "args", ShellQuoting.line(settings.arguments), origin(key + "args")))
            }
            if let folder = settings.workingDirectory {
                rows.append((key + "working-directory", folder, origin(key + "working-directory")))
            }
            if !settings.environment.isEmpty {
                rows.append((key + "environment", list(Self.assignments(settings.environment)), origin(key + "environment")))
            }
            return rows
        }
    }

    /// `build.args`, `.target`, `.platform`, `.secrets` when the project sets them; secrets by name and
    /// source, never by value.
    private var buildRows: [(String, String, String)] {
        let build = project.build
        var rows: [(String, String, String)] = []
        if !build.arguments.isEmpty {
            rows.append(("build.args", list(Self.assignments(build.arguments)), origin("build.args")))
        }
        if let target = build.target { rows.append(("build.target", target, origin("build.target"))) }
        if let platform = build.platform { rows.append(("build.platform", platform, origin("build.platform"))) }
        if !build.secrets.isEmpty {
            let secrets = build.secrets.keys.sorted().map { name -> String in
                switch build.secrets[name] {
                case .environment(let variable)?: return "\(name) (env \(variable))"
                case .file(let path)?: return "\(name) (file \(path))"
                case nil: return name
                }
            }
            rows.append(("build.secrets", list(secrets), origin("build.secrets")))
        }
        return rows
    }

    static func assignments(_ environment: [String: String]) -> [String] {
        environment.keys.sorted().map { "\($0)=\(environment[$0] ?? "")" }
    }

    private func origin(_ key: String) -> String { project.origins[key] ?? "convention" }

    private func list(_ items: [String]) -> String { items.isEmpty ? "(none)" : items.joined(separator: ", ") }
}
