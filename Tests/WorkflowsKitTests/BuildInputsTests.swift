import Foundation
import TestSupport
import Testing

@testable import WorkflowsKit

/// `[tool.workflows.build]`: read, checked at file:line, with the values from the environment masked.
@Suite struct BuildInputsTests {
    static let dockerfile = """
        FROM python:3.11-slim AS base
        FROM base AS Runtime
        ARG PYTHON_VERSION
        RUN --mount=type=secret,id=pip_token true

        """

    static let projectFile = """
        [tool.workflows]
        gates = []

        [tool.workflows.build]
        args = { PYTHON_VERSION = "3.11", INDEX_URL = "https://u:${BUILD_TEST_INDEX_PASSWORD}@pypi.example/simple" }
        target = "runtime"
        platform = "linux/amd64"

        [tool.workflows.build.secrets]
        pip_token = { env = "BUILD_TEST_TOKEN" }
        netrc = { file = "secrets/netrc" }

        """

    static let variables = ["BUILD_TEST_INDEX_PASSWORD": "idx-pw-123", "BUILD_TEST_TOKEN": "tok-456-secret"]

    func repository(_ pyproject: String = projectFile, dockerfile: String = dockerfile) throws -> URL {
        try FakeRepository("workflows-unit-build", files: [
            "pyproject.toml": pyproject,
            "Dockerfile": dockerfile,
            "secrets/netrc": "machine pypi.example login u password netrc-pw-789\n",
        ]).root
    }

    @Test func theKeysAreReadWithTheirOriginsAndTheSecretValuesAreMasked() throws {
        let project = try ProjectLoader.load(root: try repository(), variables: Self.variables)
        #expect(project.build.arguments == [
            "PYTHON_VERSION": "3.11", "INDEX_URL": "https://u:idx-pw-123@pypi.example/simple",
        ])
        #expect(project.build.target == "runtime", "stage names compare as the builders compare them")
        #expect(project.build.platform == "linux/amd64")
        #expect(project.build.secrets == ["pip_token": .environment("BUILD_TEST_TOKEN"), "netrc": .file("secrets/netrc")])
        #expect(project.origins["build.args"] == "pyproject.toml:5")
        #expect(project.origins["build.target"] == "pyproject.toml:6")
        #expect(project.origins["build.platform"] == "pyproject.toml:7")
        #expect(project.origins["build.secrets"] == "pyproject.toml:9")
        for secret in ["idx-pw-123", "tok-456-secret", "machine pypi.example login u password netrc-pw-789"] {
            #expect(project.secrets.contains(secret), "\(secret) is masked")
        }
        #expect(!project.secrets.contains("3.11"), "a literal value is no secret")
    }

    @Test func noBuildTableIsNoBuildInputs() throws {
        let project = try ProjectLoader.load(root: try repository("[tool.workflows]\ngates = []\n"))
        #expect(project.build == BuildInputs())
        #expect(project.origins["build.args"] == nil)
    }

    @Test(arguments: [
        ("[tool.workflows.build]\ntargte = \"x\"\n", "pyproject.toml:2:1: unknown key 'tool.workflows.build.targte'; did you mean 'target'?"),
        ("[tool.workflows.build]\ntarget = \"tests\"\n", "pyproject.toml:2:1: 'tool.workflows.build.target' names the stage 'tests', which Dockerfile does not have (its stages: base, runtime)"),
        ("[tool.workflows.build]\ntarget = \"a b\"\n", "'tool.workflows.build.target' must be a stage name"),
        ("[tool.workflows.build]\nplatform = \"linux/amd64,linux/arm64\"\n", "pyproject.toml:2:1: 'tool.workflows.build.platform' names one platform"),
        ("[tool.workflows.build]\nplatform = \"amd64\"\n", "must be OS/ARCHITECTURE[/VARIANT]"),
        ("[tool.workflows.build]\nargs = { A = 1 }\n", "pyproject.toml:2:10: 'tool.workflows.build.args.A' must be a string"),
        ("[tool.workflows.build]\nargs = { A = \"${BUILD_TEST_UNSET}\" }\n", "'tool.workflows.build.args.A' uses ${BUILD_TEST_UNSET}, but the environment variable BUILD_TEST_UNSET is not set"),
        ("[tool.workflows.build]\nargs = { DOCKER_HOST = \"${BUILD_TEST_TOKEN}\" }\n", "the engine's CLI reads DOCKER_HOST itself"),
        ("[tool.workflows.build]\nargs = { HOME = \"/h/${BUILD_TEST_TOKEN}\" }\n", "the engine's CLI reads HOME itself"),
        ("[tool.workflows.build]\nargs = { CONTAINER_HOST = \"${BUILD_TEST_TOKEN}\" }\n", "the engine's CLI reads CONTAINER_HOST itself"),
        ("[tool.workflows.build]\nargs = { XDG_RUNTIME_DIR = \"${BUILD_TEST_TOKEN}\" }\n", "the engine's CLI reads XDG_RUNTIME_DIR itself"),
        ("[tool.workflows.build.secrets]\ntoken = { env = \"BUILD_TEST_UNSET\" }\n", "pyproject.toml:2:11: 'tool.workflows.build.secrets.token' reads the environment variable BUILD_TEST_UNSET, which is not set"),
        ("[tool.workflows.build.secrets]\ntoken = { file = \"nowhere\" }\n", "'tool.workflows.build.secrets.token' reads the file 'nowhere', which is not a file in the repository root"),
        ("[tool.workflows.build.secrets]\ntoken = { file = \"secrets\" }\n", "which is not a file"),
        ("[tool.workflows.build.secrets]\ntoken = { env = \"A\", file = \"secrets/netrc\" }\n", "pyproject.toml:2:1: 'tool.workflows.build.secrets.token' must be a table with one of env"),
        ("[tool.workflows.build.secrets]\ntoken = \"BUILD_TEST_TOKEN\"\n", "'tool.workflows.build.secrets.token' must be a table with one of env"),
        ("[tool.workflows.build.secrets]\ntoken = { envv = \"A\" }\n", "unknown key 'tool.workflows.build.secrets.token.envv'; did you mean 'env'?"),
        ("[tool.workflows.build.secrets]\n\"a,b\" = { env = \"BUILD_TEST_TOKEN\" }\n", "a secret's name is what RUN --mount=type=secret,id=NAME reads"),
        ("[tool.workflows]\nbuild = \"x\"\n", "'tool.workflows.build' must be a table"),
    ])
    func aWrongKeyIsAUsageErrorAtItsPlace(pyproject: String, message: String) throws {
        let error = try #require(throws: WorkflowsError.self) {
            try ProjectLoader.load(root: try repository(pyproject), variables: Self.variables)
        }
        #expect(error.exitCode == 64)
        #expect(error.message.contains(message), "\(error.message)")
    }

    @Test func aSecretFileMayLieOutsideTheRepository() throws {
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("workflows-unit-build-\(UUID().uuidString)")
        try Data("outside-token-1".utf8).write(to: outside)
        defer { try? FileManager.default.removeItem(at: outside) }
        let project = try ProjectLoader.load(
            root: try repository("[tool.workflows.build.secrets]\ntoken = { file = \"\(outside.path)\" }\n"))
        #expect(project.build.secrets == ["token": .file(outside.path)])
        #expect(project.secrets.contains("outside-token-1"))
    }

    /// A missing Dockerfile is the build's to report, where it looked: the target is not checked against it.
    @Test func aTargetIsNotCheckedAgainstADockerfileThatIsNotThere() throws {
        let root = try repository("[tool.workflows]\ngates = []\n\n[tool.workflows.build]\ntarget = \"runtime\"\n")
        try FileManager.default.removeItem(at: root.appendingPathComponent("Dockerfile"))
        let project = try ProjectLoader.load(root: root)
        #expect(project.build.target == "runtime")
        #expect(MissingDockerfile(project: project) != nil)
    }

    @Test func theStagesAreTheNamedFromLines() {
        #expect(BuildInputs.stages(of: "FROM a AS one\nFROM --platform=$BUILDPLATFORM b as Two\nFROM one\n# FROM c AS x\n")
            == ["one", "two"])
    }
}
