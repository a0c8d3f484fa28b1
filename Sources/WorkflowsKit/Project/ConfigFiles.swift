import Foundation
import TOML

/// The Python tools' own configuration files, found as the tools find them: from the source root up to the
/// repository root, the nearest of each name first.
struct ConfigFiles: Sendable {
    /// The files the gates' tools read, by the names they look for.
    static let names = [
        "pyproject.toml", "setup.cfg", "tox.ini", ".flake8", ".isort.cfg", "mypy.ini", ".mypy.ini", "ruff.toml",
        ".ruff.toml", "pytest.ini",
    ]

    /// Each name's nearest file, relative to the root.
    var found: [String: String]
    /// Parsed TOML files (pyproject.toml, ruff.toml, .ruff.toml), by name.
    var toml: [String: TOMLTable]
    /// Section names of the INI files (setup.cfg, tox.ini, .flake8, .isort.cfg, mypy.ini, .mypy.ini, pytest.ini).
    var sections: [String: [String: [String: String]]]

    static func discover(root: URL, sourceRoot: String) throws -> ConfigFiles {
        var folders: [String] = []
        var folder = sourceRoot
        while true {
            folders.append(folder)
            if folder == "." { break }
            let parent = (folder as NSString).deletingLastPathComponent
            folder = parent.isEmpty ? "." : parent
        }
        var result = ConfigFiles(found: [:], toml: [:], sections: [:])
        for name in names {
            for folder in folders {
                let relative = folder == "." ? name : folder + "/" + name
                let url = root.appendingPathComponent(relative)
                guard FileManager.default.fileExists(atPath: url.path) else { continue }
                result.found[name] = relative
                if name.hasSuffix(".toml") {
                    result.toml[name] = try TOMLFiles.read(url, name: relative)
                } else {
                    result.sections[name] = IniFile.parse((try? String(contentsOf: url, encoding: .utf8)) ?? "")
                }
                break
            }
        }
        return result
    }

    func pyprojectTool(_ name: String) -> TOMLValue? {
        toml["pyproject.toml"]?["tool"]?.tableValue?[name]
    }

    func hasSection(_ section: String, in file: String) -> Bool { sections[file]?[section] != nil }

    /// Where the project configures `gate`, or nil when it does not (a tool merely installed is no gate).
    func configuration(of gate: Gate) -> String? {
        func pyproject(_ tool: String) -> String? {
            pyprojectTool(tool) != nil ? "\(found["pyproject.toml"] ?? "pyproject.toml") [tool.\(tool)]" : nil
        }
        func file(_ name: String) -> String? { found[name] }
        func ini(_ name: String, _ section: String) -> String? {
            hasSection(section, in: name) ? "\(found[name] ?? name) [\(section)]" : nil
        }
        switch gate {
        case .black: return pyproject("black")
        case .isort:
            return pyproject("isort") ?? file(".isort.cfg") ?? ini("setup.cfg", "isort") ?? ini("setup.cfg", "tool:isort")
                ?? ini("tox.ini", "isort")
        case .flake8: return file(".flake8") ?? ini("setup.cfg", "flake8") ?? ini("tox.ini", "flake8")
        case .mypy: return pyproject("mypy") ?? file("mypy.ini") ?? file(".mypy.ini") ?? ini("setup.cfg", "mypy")
        case .ruff: return pyproject("ruff") ?? file("ruff.toml") ?? file(".ruff.toml")
        case .ruffFormat:
            if pyprojectTool("ruff")?.tableValue?["format"] != nil { return "\(found["pyproject.toml"] ?? "pyproject.toml") [tool.ruff.format]" }
            for name in ["ruff.toml", ".ruff.toml"] where toml[name]?["format"] != nil {
                return "\(found[name] ?? name) [format]"
            }
            return nil
        case .pytest, .django, .hadolint: return nil
        }
    }

    /// pytest's `testpaths`, from the first of its configuration files that sets it, with where it was found.
    func pytestTestPaths() -> (paths: [String], origin: String)? {
        if let options = pyprojectTool("pytest")?.tableValue?["ini_options"]?.tableValue,
            let paths = options["testpaths"]
        {
            let list = paths.arrayValue?.compactMap(\.stringValue) ?? paths.stringValue.map { [$0] } ?? []
            if !list.isEmpty {
                return (list, "\(found["pyproject.toml"] ?? "pyproject.toml") [tool.pytest.ini_options]")
            }
        }
        for (file, section) in [("pytest.ini", "pytest"), ("tox.ini", "pytest"), ("setup.cfg", "tool:pytest")] {
            if let value = sections[file]?[section]?["testpaths"] {
                let list = value.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map(String.init)
                if !list.isEmpty { return (list, "\(found[file] ?? file) [\(section)]") }
            }
        }
        return nil
    }
}

/// The sections and keys of an INI file as configparser reads it (continuation lines joined), enough to
/// know which tools a `setup.cfg` or `tox.ini` configures.
enum IniFile {
    static func parse(_ text: String) -> [String: [String: String]] {
        var sections: [String: [String: String]] = [:]
        var section: String?
        var lastKey: String?
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = String(raw)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
            if trimmed.hasPrefix("["), let close = trimmed.firstIndex(of: "]") {
                let name = String(trimmed[trimmed.index(after: trimmed.startIndex)..<close])
                section = name
                if sections[name] == nil { sections[name] = [:] }
                lastKey = nil
                continue
            }
            guard let current = section else { continue }
            if line.first == " " || line.first == "\t", let key = lastKey {
                let previous = sections[current]?[key] ?? ""
                sections[current]?[key] = previous.isEmpty ? trimmed : previous + "\n" + trimmed
                continue
            }
            guard let separator = trimmed.firstIndex(where: { $0 == "=" || $0 == ":" }) else { continue }
            let key = trimmed[..<separator].trimmingCharacters(in: .whitespaces)
            let value = trimmed[trimmed.index(after: separator)...].trimmingCharacters(in: .whitespaces)
            sections[current]?[key] = value
            lastKey = key
        }
        return sections
    }
}
