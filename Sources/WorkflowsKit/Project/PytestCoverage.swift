import Foundation

/// Whether the pytest gate measures coverage: when the project uses pytest-cov (a test requirement, or
/// `--cov` in pytest's `addopts`), pytest runs with `--cov-report=xml`, and with `--cov=SOURCE` for each
/// source that is not a test unless `addopts` already names a target.
struct PytestCoverage: Sendable, Equatable {
    /// The `--cov=` values added: the sources that are not tests, as module names or folders.
    var targets: [String]
    /// What said the project uses it: `requirements-test.txt`, `pyproject.toml [tool.pytest.ini_options]`.
    var origin: String

    /// The arguments that make pytest-cov write Cobertura XML to `path` (inside the container).
    func arguments(writingTo path: String) -> [String] {
        ["--cov-report=xml:\(path)"] + targets.map { "--cov=\($0)" }
    }

    static func detect(
        requirements: Requirements, testRequirements: [String], configs: ConfigFiles, sources: [String], tests: [String]
    ) -> PytestCoverage? {
        let addopts = configs.pytestAddopts()
        let options = addopts.map { Self.words($0.text) } ?? []
        let origin: String
        if requirements.installed.contains("pytest-cov") {
            origin = testRequirements.joined(separator: ", ")
        } else if let addopts, options.contains(where: { $0 == "--cov" || $0.hasPrefix("--cov=") }) {
            origin = addopts.origin
        } else {
            return nil
        }
        let namesTarget = options.enumerated().contains { index, word in
            (word.hasPrefix("--cov=") && word.count > 6)
                || (word == "--cov" && index + 1 < options.count && !options[index + 1].hasPrefix("-"))
        }
        let targets = namesTarget ? [] : sources.filter { !tests.contains($0) }.map(Self.target)
        return PytestCoverage(targets: targets, origin: origin)
    }

    /// A module file as its module name (`app.py` → `app`); a folder as it is.
    static func target(_ source: String) -> String {
        source.hasSuffix(".py") && !source.contains("/") ? String(source.dropLast(3)) : source
    }

    private static func words(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map(String.init)
    }
}

extension ConfigFiles {
    /// pytest's `addopts`, from the first of its configuration files that has a pytest section.
    func pytestAddopts() -> (text: String, origin: String)? {
        if let options = pyprojectTool("pytest")?.tableValue?["ini_options"]?.tableValue {
            let value = options["addopts"]
            let text = value?.arrayValue?.compactMap(\.stringValue).joined(separator: " ") ?? value?.stringValue ?? ""
            return (text, "\(found["pyproject.toml"] ?? "pyproject.toml") [tool.pytest.ini_options]")
        }
        for (file, section) in [("pytest.ini", "pytest"), ("tox.ini", "pytest"), ("setup.cfg", "tool:pytest")] {
            if let values = sections[file]?[section] {
                return (values["addopts"] ?? "", "\(found[file] ?? file) [\(section)]")
            }
        }
        return nil
    }
}
