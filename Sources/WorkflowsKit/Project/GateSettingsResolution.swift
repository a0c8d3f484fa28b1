import Foundation
import TOML

/// The project's `environment` and `gate.NAME` settings, from the project file over the conventions (a
/// Django site's test settings), each with its origin; `working-directory` checked to exist.
enum GateSettingsResolution {
    static func apply(file: ProjectFile?, django: DjangoSite?, configs: ConfigFiles, to project: inout Project) throws {
        project.secrets = file?.secrets ?? []
        if let environment = file?.environment {
            project.environment = environment.value
            project.origins["environment"] = environment.origin
        }
        if let django { conventions(for: django, configs: configs, project: &project) }
        for (gate, values) in file?.gateSettings ?? [:] {
            var settings = project.gateSettings[gate] ?? Project.GateSettings()
            let key = "gate.\(gate.name)."
            if let arguments = values.arguments {
                settings.arguments = arguments.value
                project.origins[key + "args"] = arguments.origin
            }
            if let folder = values.workingDirectory {
                try check(folder, in: project, file: file?.file ?? "", key: key + "working-directory")
                settings.workingDirectory = folder.value
                project.origins[key + "working-directory"] = folder.origin
            }
            if let environment = values.environment {
                settings.environment.merge(environment.value) { $1 }
                let earlier = project.origins[key + "environment"]
                project.origins[key + "environment"] = earlier.map { "\(environment.origin), over \($0)" } ?? environment.origin
            }
            project.gateSettings[gate] = settings
        }
    }

    /// Django's tests run with its test settings (`settings/test.py`) when the site has them; pytest-django
    /// with the site's settings unless pytest's own settings name them. The project's `environment` wins.
    private static func conventions(for django: DjangoSite, configs: ConfigFiles, project: inout Project) {
        let name = "DJANGO_SETTINGS_MODULE"
        guard project.environment[name] == nil else { return }
        var chosen: (gate: Gate, module: String, origin: String)?
        if project.gates.contains(.django), let test = django.testSettings {
            chosen = (.django, test.module, "convention (\(project.repositoryPath(ofSource: test.file)))")
        } else if project.gates.contains(.pytest), DjangoSite.pytestSettingsNamingDjango(configs) == nil {
            let module = django.testSettings?.module ?? django.settingsModule
            let origin = django.testSettings.map { project.repositoryPath(ofSource: $0.file) }
                ?? project.repositoryPath(ofSource: "manage.py")
            chosen = (.pytest, module, "convention (\(origin))")
        }
        guard let chosen else { return }
        project.gateSettings[chosen.gate, default: Project.GateSettings()].environment[name] = chosen.module
        project.origins["gate.\(chosen.gate.name).environment"] = chosen.origin
    }

    /// A gate's working directory is a folder inside the source root.
    private static func check(_ value: ProjectFile.Value<String>, in project: Project, file: String, key: String) throws {
        let relative = project.repositoryPath(ofSource: value.value)
        let normalized = (relative as NSString).standardizingPath
        guard !value.value.hasPrefix("/"), normalized != "..", !normalized.hasPrefix("../") else {
            throw ProjectFileError(
                file: file, position: value.position, "'\(key)' names '\(value.value)', which is outside the repository")
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: project.path(relative).path, isDirectory: &isFolder), isFolder.boolValue
        else {
            let place = project.sourceRoot == "." ? "the repository root" : "the source root (\(project.sourceRoot))"
            throw ProjectFileError(
                file: file, position: value.position,
                "'\(key)' names '\(value.value)', which is not a folder in \(place)")
        }
    }
}
