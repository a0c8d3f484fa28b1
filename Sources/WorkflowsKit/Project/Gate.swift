/// A quality gate: one Python tool, run as `python -m TOOL` over the project's sources or tests, the same
/// way on the host and inside the image.
public enum Gate: String, Sendable, Equatable, CaseIterable, Codable {
    case black
    case isort
    case flake8
    case mypy
    case ruff
    case ruffFormat = "ruff-format"
    case pytest

    /// The name in project files, reports and summaries.
    public var name: String { rawValue }

    /// The distribution that provides the tool, as a requirements file names it.
    var package: String {
        switch self {
        case .ruff, .ruffFormat: return "ruff"
        default: return rawValue
        }
    }

    /// The single-gate step on the host; the original script's names where it had them.
    var step: String {
        switch self {
        case .flake8: return "assess_flake"
        case .pytest: return "assess_tests"
        case .ruffFormat: return "assess_ruff_format"
        default: return "assess_\(rawValue)"
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
        }
    }

    /// The order gates are listed and reported in: formatters, linters, type checker, tests.
    static let canonicalOrder: [Gate] = [.black, .isort, .ruffFormat, .flake8, .ruff, .mypy, .pytest]
}
