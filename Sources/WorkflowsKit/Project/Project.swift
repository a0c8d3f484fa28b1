/// Everything that is specific to the project the pipeline works on, with the Numbers API's values as
/// defaults. The next step reads this value from a project file so that any Python project can use it.
public struct Project: Sendable, Equatable {
    /// A quality gate: one `python -m` tool run over the package and its tests.
    public struct Gate: Sendable, Equatable {
        public var name: String
        public var step: String
        public var moduleArguments: [String]
    }

    /// A file or folder of the repository that the in-image gates need, and where it goes in the image's
    /// working directory.
    public struct GateInput: Sendable, Equatable {
        public var source: String
        public var destination: String
    }

    public var imageName: String
    public var dockerfile: String
    /// The folder, relative to the repository root, that holds the package and its tests; host-side
    /// steps run there, as the in-image gates run in the image's working directory.
    public var sourceRoot: String
    public var package: String
    public var tests: String
    public var runtimeRequirements: String
    public var testRequirements: String
    public var gateInputs: [GateInput]
    public var gates: [Gate]
    /// The interpreter on the host for the host-side steps; in the image it is `python`.
    public var hostPython: String
    public var healthTimeoutSeconds: Double
    public var healthPollSeconds: Double

    public static let numbersAPI: Project = {
        let package = "thenumbers"
        let tests = "tests"
        return Project(
            imageName: "numbers-api:latest",
            dockerfile: "Dockerfile",
            sourceRoot: "app",
            package: package,
            tests: tests,
            runtimeRequirements: "app/requirements.txt",
            testRequirements: "requirements-test.txt",
            gateInputs: [
                GateInput(source: "app/tests", destination: tests),
                GateInput(source: "app/pyproject.toml", destination: "pyproject.toml"),
                GateInput(source: ".flake8", destination: ".flake8"),
                GateInput(source: ".isort.cfg", destination: ".isort.cfg"),
            ],
            gates: [
                Gate(name: "black", step: "assess_black", moduleArguments: ["black", "--check", package, tests]),
                Gate(name: "isort", step: "assess_isort", moduleArguments: ["isort", "--check-only", package, tests]),
                Gate(name: "flake8", step: "assess_flake", moduleArguments: ["flake8", package, tests]),
                Gate(name: "mypy", step: "assess_mypy", moduleArguments: ["mypy", package, tests]),
                Gate(name: "pytest", step: "assess_tests", moduleArguments: ["pytest", tests]),
            ],
            hostPython: "python3",
            healthTimeoutSeconds: 60,
            healthPollSeconds: 0.4
        )
    }()
}
