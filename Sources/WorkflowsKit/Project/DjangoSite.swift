import Foundation

/// A Django site at the source root, as `django-admin startproject` leaves one: `manage.py` naming its
/// settings module, apps with `tests.py` (or a `tests` package). Its tests run with Django's own runner
/// (the `django` gate), or with pytest when the project uses pytest-django.
struct DjangoSite: Sendable, Equatable {
    /// The module `manage.py` sets `DJANGO_SETTINGS_MODULE` to: `mysite.settings`.
    var settingsModule: String
    /// A test settings module beside it (`mysite/settings/test.py`), when there is one: the tests use it.
    var testSettings: (module: String, file: String)?
    /// The apps' `tests.py` files and `tests` packages, relative to the source root.
    var tests: [String]

    static func == (lhs: DjangoSite, rhs: DjangoSite) -> Bool {
        lhs.settingsModule == rhs.settingsModule && lhs.testSettings?.module == rhs.testSettings?.module
            && lhs.tests == rhs.tests
    }

    /// The test settings modules looked for beside the settings, in order.
    static let testSettingsNames = ["test", "tests", "testing"]

    /// The site in `sourceFolder`, or nil when it has no `manage.py` that names a settings module.
    static func detect(sourceFolder: URL) -> DjangoSite? {
        let manage = sourceFolder.appendingPathComponent("manage.py")
        guard let text = try? String(contentsOf: manage, encoding: .utf8),
            let match = text.range(
                of: #"DJANGO_SETTINGS_MODULE["']\s*,\s*["'][A-Za-z_][A-Za-z0-9_.]*["']"#, options: .regularExpression)
        else { return nil }
        let module = text[match].split(whereSeparator: { $0 == "'" || $0 == "\"" }).last.map(String.init) ?? ""
        guard !module.isEmpty else { return nil }
        return DjangoSite(
            settingsModule: module, testSettings: testSettings(for: module, in: sourceFolder),
            tests: testModules(in: sourceFolder))
    }

    /// `PKG/settings/test.py` for `PKG.settings` (a package) or `PKG.settings.local` (a module in one).
    static func testSettings(for module: String, in folder: URL) -> (module: String, file: String)? {
        let parts = module.split(separator: ".").map(String.init)
        let fileManager = FileManager.default
        for package in [parts, Array(parts.dropLast())] where !package.isEmpty {
            let path = package.joined(separator: "/")
            guard fileManager.fileExists(atPath: folder.appendingPathComponent(path + "/__init__.py").path) else { continue }
            for name in testSettingsNames where (package + [name]).joined(separator: ".") != module {
                let file = path + "/" + name + ".py"
                if fileManager.fileExists(atPath: folder.appendingPathComponent(file).path) {
                    return ((package + [name]).joined(separator: "."), file)
                }
            }
        }
        return nil
    }

    /// Every `tests.py` and `tests` package inside the packages under `folder` (apps may nest), sorted.
    static func testModules(in folder: URL) -> [String] {
        let fileManager = FileManager.default
        let skipped: Set<String> = ["migrations", "node_modules", "static", "templates", "site-packages", "venv"]
        var found: [String] = []
        func walk(_ relative: String, depth: Int) {
            let url = relative.isEmpty ? folder : folder.appendingPathComponent(relative)
            let names = ((try? fileManager.contentsOfDirectory(atPath: url.path)) ?? []).sorted()
            for name in names where !name.hasPrefix(".") && !skipped.contains(name) {
                let path = relative.isEmpty ? name : relative + "/" + name
                let child = folder.appendingPathComponent(path)
                var isFolder: ObjCBool = false
                guard fileManager.fileExists(atPath: child.path, isDirectory: &isFolder) else { continue }
                if !relative.isEmpty, name == "tests.py", !isFolder.boolValue {
                    found.append(path)
                } else if isFolder.boolValue, fileManager.fileExists(atPath: child.appendingPathComponent("__init__.py").path) {
                    if name == "tests", !relative.isEmpty { found.append(path) } else if depth < 4 { walk(path, depth: depth + 1) }
                }
            }
        }
        walk("", depth: 0)
        return found
    }

    /// Why the tests run with pytest-django (nil: with Django's runner): the test requirements name it, or
    /// pytest's settings name the settings module.
    static func usesPytestDjango(configs: ConfigFiles, installed: Set<String>) -> String? {
        pytestSettingsNamingDjango(configs) ?? (installed.contains("pytest-django") ? "pytest-django in the test requirements" : nil)
    }

    /// pytest's settings that set `DJANGO_SETTINGS_MODULE` (or `--ds`) themselves, which pytest-django reads.
    static func pytestSettingsNamingDjango(_ configs: ConfigFiles) -> String? {
        if let options = configs.pyprojectTool("pytest")?.tableValue?["ini_options"]?.tableValue,
            options["DJANGO_SETTINGS_MODULE"] != nil || (options["addopts"]?.stringValue ?? "").contains("--ds")
        {
            return "\(configs.found["pyproject.toml"] ?? "pyproject.toml") [tool.pytest.ini_options]"
        }
        for (file, section) in [("pytest.ini", "pytest"), ("tox.ini", "pytest"), ("setup.cfg", "tool:pytest")] {
            if let options = configs.sections[file]?[section],
                options["DJANGO_SETTINGS_MODULE"] != nil || (options["addopts"] ?? "").contains("--ds")
            {
                return "\(configs.found[file] ?? file) [\(section)]"
            }
        }
        return nil
    }
}
