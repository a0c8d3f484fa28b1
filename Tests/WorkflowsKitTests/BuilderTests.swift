import Foundation
import TestSupport
import Testing

@testable import WorkflowsKit

/// Which builder the CLI uses, what needs BuildKit, and which images a build's output names as its own.
@Suite struct BuilderTests {
    @Test func theCLIBuildsWithBuildKitWhenBuildxAnswersAndDockerBuildkitIsNotZero() {
        #expect(Builder.detect(podman: false, buildxAnswers: true, environment: [:]) == .buildKit)
        #expect(Builder.detect(podman: false, buildxAnswers: true, environment: ["DOCKER_BUILDKIT": "1"]) == .buildKit)
        #expect(Builder.detect(podman: false, buildxAnswers: true, environment: ["DOCKER_BUILDKIT": "0"]) == .legacy)
        // The CLI reads it as Go's ParseBool (checked with the Docker CLI 28: `false`, `FALSE`, `f` build legacy).
        for off in ["false", "FALSE", "False", "f"] {
            #expect(Builder.detect(podman: false, buildxAnswers: true, environment: ["DOCKER_BUILDKIT": off]) == .legacy, "\(off)")
        }
        #expect(Builder.detect(podman: false, buildxAnswers: true, environment: ["DOCKER_BUILDKIT": "true"]) == .buildKit)
        #expect(Builder.detect(podman: false, buildxAnswers: true, environment: ["DOCKER_BUILDKIT": ""]) == .buildKit)
        #expect(Builder.detect(podman: false, buildxAnswers: false, environment: ["DOCKER_BUILDKIT": "1"]) == .legacy)
        #expect(Builder.detect(podman: true, buildxAnswers: false, environment: ["DOCKER_BUILDKIT": "0"]) == .podman)
    }

    /// A CLI older than 23 (Debian 12's 20.10) has its BuildKit client built in, buildx installed or not: it
    /// follows DOCKER_BUILDKIT when set, else the engine's default (BuildKit from Docker 23 on).
    @Test func aCLIOlderThan23FollowsDockerBuildkitElseTheEnginesDefault() {
        #expect(Builder.detect(podman: false, buildxAnswers: true, clientMajor: 20, environment: [:]) == .legacy)
        #expect(Builder.detect(podman: false, buildxAnswers: true, clientMajor: 20, serverMajor: 20, environment: [:]) == .legacy)
        #expect(Builder.detect(podman: false, buildxAnswers: false, clientMajor: 20, serverMajor: 26, environment: [:]) == .buildKit)
        #expect(Builder.detect(podman: false, buildxAnswers: false, clientMajor: 20, serverMajor: 26, environment: ["DOCKER_BUILDKIT": "0"]) == .legacy)
        #expect(Builder.detect(podman: false, buildxAnswers: false, clientMajor: 20, serverMajor: 26, environment: ["DOCKER_BUILDKIT": ""]) == .buildKit)
        #expect(Builder.detect(podman: false, buildxAnswers: false, clientMajor: 20, environment: ["DOCKER_BUILDKIT": "1"]) == .buildKit)
        #expect(Builder.detect(podman: false, buildxAnswers: true, clientMajor: 22, environment: ["DOCKER_BUILDKIT": "true"]) == .buildKit)
        #expect(Builder.detect(podman: false, buildxAnswers: true, clientMajor: 20, environment: ["DOCKER_BUILDKIT": "0"]) == .legacy)
        #expect(Builder.detect(podman: false, buildxAnswers: true, clientMajor: 23, environment: [:]) == .buildKit)
        #expect(Builder.detect(podman: false, buildxAnswers: false, clientMajor: 28, environment: ["DOCKER_BUILDKIT": "1"]) == .legacy)
        #expect(Builder.major(ofVersion: "Docker version 20.10.24+dfsg1, build 297e128\n") == 20)
        #expect(Builder.major(ofVersion: "Docker version 28.2.2, build e6534b4") == 28)
        #expect(Builder.major(ofVersion: "") == nil)
        #expect(DockerArguments.clientVersion() == ["--version"])
    }

    @Test func secretsAndRunMountsNeedBuildKitAndAreNamedWithTheirPlaces() {
        var project = Project.numbersAPI
        #expect(Builder.needs(project: project, dockerfile: "FROM python:3.11-slim\nRUN pip install x\n").isEmpty)
        project.build.secrets = ["pip_token": .environment("PIP_TOKEN"), "netrc": .file(".netrc")]
        project.origins["build.secrets"] = "pyproject.toml:9"
        let dockerfile = "FROM python:3.11-slim\nRUN --mount=type=cache,target=/root/.cache pip install x\n"
        let needs = Builder.needs(project: project, dockerfile: dockerfile)
        #expect(needs == ["build.secrets (pyproject.toml:9): netrc, pip_token", "RUN --mount at Dockerfile:2"])
        let error = Builder.legacyError(needs: needs, image: "app:latest")
        #expect(error.message.contains("Building app:latest needs BuildKit (build.secrets (pyproject.toml:9): netrc, pip_token; RUN --mount at Dockerfile:2)"))
        #expect(error.remedy?.contains("DOCKER_BUILDKIT") == true && error.exitCode == 1)
    }

    /// The legacy builder's own words (Docker 20.10, captured): a multi-stage build, then the same with its cache.
    static let legacyOutput = """
        Sending build context to Docker daemon  2.048kB
        Step 1/5 : FROM python:3.11-slim AS build
         ---> c7fb18a84a93
        Step 2/5 : RUN mkdir /out && echo built > /out/artifact
         ---> Running in 408f83dc412c
        Removing intermediate container 408f83dc412c
         ---> 20818aa898fc
        Step 3/5 : FROM python:3.11-slim
         ---> c7fb18a84a93
        Step 4/5 : COPY --from=build /out /out
         ---> 5fd5899c9e31
        Step 5/5 : CMD ["true"]
         ---> Running in 7f5cb758288a
        Removing intermediate container 7f5cb758288a
         ---> 0e3ba8dafa54
        Successfully built 0e3ba8dafa54
        Successfully tagged ms-try:latest
        """

    @Test func theImagesABuildMadeAreItsStepsNotItsBasesNorItsCache() {
        #expect(BuildLeftovers.imagesMade(by: Self.legacyOutput) == ["20818aa898fc", "5fd5899c9e31", "0e3ba8dafa54"])
        let cached = """
            Step 1/5 : FROM python:3.11-slim AS build
             ---> c7fb18a84a93
            Step 2/5 : RUN mkdir /out && echo built > /out/artifact
             ---> Using cache
             ---> 20818aa898fc
            Step 3/5 : FROM python:3.11-slim
             ---> c7fb18a84a93
            Step 4/5 : RUN exit 3
             ---> Running in 1f2e3d4c5b6a
            The command '/bin/sh -c exit 3' returned a non-zero code: 3
            """
        #expect(BuildLeftovers.imagesMade(by: cached).isEmpty)
        let podman = """
            STEP 1/3: FROM python:3.11-slim AS build
            STEP 2/3: RUN echo one > /one
            --> 93329a9f1c1
            STEP 3/3: RUN echo two > /two
            --> Using cache 5be1e6f0e3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6
            --> 5be1e6f0e3a
            """
        #expect(BuildLeftovers.imagesMade(by: podman) == ["93329a9f1c1"])
        let buildKit = "#0 building with \"default\" instance using docker driver\n#8 writing image sha256:0123456789ab done\n"
        #expect(BuildLeftovers.imagesMade(by: buildKit).isEmpty)
    }
}

/// The build keys on their way to the CLI, the stop before a legacy build, the builds' leftovers and
/// `clean --build-cache`, against the fake engine.
extension BuilderTests {
    static let stages = """
        FROM python:3.11-slim AS builder
        ARG UV_VERSION
        RUN --mount=type=secret,id=index_token cat /run/secrets/index_token >/dev/null

        FROM python:3.11-slim AS runtime
        COPY --from=builder /app /app
        CMD ["python3", "-m", "app"]

        # Kept for working in a container.
        FROM runtime AS dev
        RUN pip install debugpy

        """

    func repository(build: String) throws -> URL {
        try FakeRepository("workflows-unit-builder", files: [
            "pyproject.toml": "[tool.workflows]\ngates = []\n\n" + build,
            "Dockerfile": Self.stages,
            "secrets/netrc": "machine example login u password netrc-pw-1\n",
        ]).root
    }

    static let buildKeys = """
        [tool.workflows.build]
        args = { UV_VERSION = "0.13.9", INDEX_URL = "https://u:${BUILD_TEST_PASSWORD}@pypi.example/simple" }
        target = "runtime"
        platform = "linux/amd64"

        [tool.workflows.build.secrets]
        index_token = { env = "BUILD_TEST_TOKEN" }
        netrc = { file = "secrets/netrc" }

        """

    static let variables = ["BUILD_TEST_PASSWORD": "pw-secret-1", "BUILD_TEST_TOKEN": "tok-secret-2"]

    @Test func theArgumentVectorHasTheCLIsDocumentedBuildFlags() {
        var options = BuildOptions(context: ".", dockerfile: "/tmp/Dockerfile", tags: ["app:1"], noCache: true)
        options.arguments = [ContainerVariable("A", "1"), ContainerVariable("TOKEN", nil)]
        options.target = "runtime"
        options.platform = "linux/arm64/v8"
        options.secrets = [BuildSecret("pip", .environment("PIP_TOKEN")), BuildSecret("netrc", .file("/home/u/.netrc"))]
        #expect(DockerArguments.build(options) == [
            "build", "--no-cache", "--force-rm", "--tag", "app:1", "--file", "/tmp/Dockerfile",
            "--build-arg", "A=1", "--build-arg", "TOKEN", "--target", "runtime", "--platform", "linux/arm64/v8",
            "--secret", "id=pip,env=PIP_TOKEN", "--secret", "id=netrc,src=/home/u/.netrc", ".",
        ])
        #expect(DockerArguments.pruneBuildCache() == ["builder", "prune", "--force"])
        #expect(DockerArguments.buildxVersion() == ["buildx", "version"])
    }

    @Test func onBuildKitTheKeysReachTheBuildAndNoSecretValueIsShown() async throws {
        let engine = FakeEngine()
        engine.buildxAnswers = true
        let root = try repository(build: Self.buildKeys)
        let (status, console) = try await runWorkflows(["build_ci_image"], environment: Self.variables, engine: engine, root: root)
        #expect(status == 0, "\(console.all)")
        let (build, dockerfile) = try #require(engine.builds.first)
        #expect(build.arguments.contains(ContainerVariable("UV_VERSION", "0.13.9")))
        #expect(build.arguments.contains(ContainerVariable("INDEX_URL", nil))
            && build.namedValues["INDEX_URL"] == "https://u:pw-secret-1@pypi.example/simple",
                "a value from ${VAR} goes by name: \(build.arguments)")
        #expect(build.target == "runtime" && build.platform == "linux/amd64")
        #expect(build.secrets.contains(BuildSecret("index_token", .environment("BUILD_TEST_TOKEN"))))
        #expect(build.secrets.contains(BuildSecret("netrc", .file(root.appendingPathComponent("secrets/netrc").path))))
        for secret in ["pw-secret-1", "tok-secret-2", "netrc-pw-1"] {
            #expect(!console.all.contains(secret), "\(secret) shown")
        }
        // The labels end the target stage, before the stage after it.
        let lines = dockerfile.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let label = try #require(lines.firstIndex { $0.hasPrefix("LABEL ") }, "\(dockerfile)")
        #expect(lines[label + 1] == "FROM runtime AS dev" && lines[label - 1] == "# Kept for working in a container.")
        #expect(lines.filter { $0.hasPrefix("LABEL ") }.count == 1)
        #expect(console.stdout.contains("at the end of its stage runtime"))
    }

    @Test func onTheLegacyBuilderSecretsStopEveryStepBeforeAnythingRuns() async throws {
        let engine = FakeEngine()
        let git = FakeGit()
        let (status, console) = try await runWorkflows(
            ["assess_code", "build_ci_image"], environment: Self.variables, engine: engine, git: git,
            root: try repository(build: Self.buildKeys))
        #expect(status == 1)
        #expect(console.stderr.contains("build_ci_image: Building numbers-api:latest needs BuildKit")
            || console.stderr.contains("needs BuildKit (build.secrets (pyproject.toml:9): index_token, netrc; RUN --mount at Dockerfile:3)"),
            "\(console.stderr)")
        #expect(console.stderr.contains("DOCKER_BUILDKIT"))
        #expect(engine.changes.isEmpty && !git.runner.commands.contains { $0.executable == Project.hostPython },
                "nothing ran: \(engine.changes)")
        // DOCKER_BUILDKIT=0 is the legacy builder too; Podman builds it.
        engine.buildxAnswers = true
        let forced = try await runWorkflows(
            ["build_ci_image"], environment: Self.variables.merging(["DOCKER_BUILDKIT": "0"]) { $1 }, engine: engine,
            root: try repository(build: Self.buildKeys))
        #expect(forced.status == 1 && forced.console.stderr.contains("needs BuildKit"))
        let plain = try await runWorkflows(
            ["build_ci_image"], engine: FakeEngine(), root: try repository(build: "[tool.workflows.build]\ntarget = \"runtime\"\n"))
        #expect(plain.status == 1 && plain.console.stderr.contains("RUN --mount at Dockerfile:3"), "a RUN --mount alone stops it too")
    }

    /// Without buildx's answer the CLI looks like the legacy builder; when the engine does not answer at all,
    /// that is what the run says, not "enable BuildKit".
    @Test func anEngineThatDoesNotAnswerIsSaidBeforeTheBuildKitAdvice() async throws {
        let engine = FakeEngine()
        engine.engineAnswers = false
        let (status, console) = try await runWorkflows(
            ["build_ci_image"], environment: Self.variables, engine: engine, root: try repository(build: Self.buildKeys))
        #expect(status == 1)
        #expect(console.stderr.contains("build_ci_image: The engine behind docker does not answer"), "\(console.stderr)")
        #expect(!console.stderr.contains("needs BuildKit"), "\(console.stderr)")
        #expect(engine.builds.isEmpty)
    }

    /// A build that failed because the engine went away says so, not "fix the Dockerfile".
    @Test func anEngineThatStopsAnsweringDuringTheBuildIsWhatTheFailureSays() async throws {
        let engine = FakeEngine()
        engine.stopsAnsweringInBuild = true
        let (status, console) = try await runWorkflows(["build_ci_image"], engine: engine, root: try NumbersAPIShape.make())
        #expect(status == 1)
        #expect(console.stderr.contains("The engine behind docker stopped answering while building numbers-api:latest"), "\(console.stderr)")
        #expect(!console.stderr.contains("fix the Dockerfile"), "\(console.stderr)")
    }

    @Test func aCIBuildAndAFailedBuildRemoveTheUntaggedImagesTheyMadeADevBuildKeepsThem() async throws {
        let made = "sha256:20818aa898fc" + String(repeating: "0", count: 52)
        let others = "sha256:f00dfeedbeef" + String(repeating: "0", count: 52)
        func run(_ step: String, fails: Bool = false) async throws -> [String] {
            let engine = FakeEngine()
            engine.buildOutput = Self.legacyOutput
            if fails { engine.buildFailure = ProcessOutput(termination: .exited(1), standardError: Data(Self.legacyOutput.utf8)) }
            // The dangling images: one this build's output names, one of another build.
            for id in [made, others] { engine.addImage([], ImageConfig(id: id, user: "", workingDirectory: "/", healthcheck: nil, labels: [:])) }
            _ = try await runWorkflows([step], engine: engine, root: try NumbersAPIShape.make())
            #expect(engine.image(others) != nil, "not another build's dangling image")
            return engine.removals.filter { $0.kind == .image }.flatMap(\.ids)
        }
        #expect(try await run("build_ci_image") == [made])
        #expect(try await run("build_dev_image") == [], "a dev build keeps them: they are its cache")
        #expect(try await run("build_dev_image", fails: true) == [made])
    }

    /// A signal mid-build: the images the build's steps committed go (build_ci_image), and the step's
    /// container the legacy builder had not yet removed; another build's stay; build_dev_image keeps its cache.
    @Test func anInterruptedCIBuildRemovesTheImagesItsStepsCommitted() async throws {
        let made = ["20818aa898fc", "5fd5899c9e31"].map { "sha256:" + $0 + String(repeating: "0", count: 52) }
        let others = "sha256:f00dfeedbeef" + String(repeating: "0", count: 52)
        let interrupted = Self.legacyOutput.components(separatedBy: "Removing intermediate container 7f5cb758288a")[0]
        func run(_ step: String) async throws -> (status: Int32, removed: [(kind: EngineObject, ids: [String], force: Bool)]) {
            let engine = FakeEngine()
            engine.buildOutput = interrupted
            engine.interruptsBuild = true
            engine.addImage([], ImageConfig(id: others, user: "", workingDirectory: "/", healthcheck: nil, labels: [:]))
            let (status, _) = try await runWorkflows([step], engine: engine, root: try NumbersAPIShape.make())
            #expect(engine.image(others) != nil, "not another build's dangling image")
            return (status, engine.removals)
        }
        let ci = try await run("build_ci_image")
        #expect(ci.status != 0)
        #expect(ci.removed.filter { $0.kind == .image }.flatMap(\.ids) == made, "\(ci.removed)")
        #expect(ci.removed.filter { $0.kind == .container }.flatMap(\.ids) == ["7f5cb758288a"], "the step it was at")
        let dev = try await run("build_dev_image")
        #expect(dev.removed.filter { $0.kind == .image }.isEmpty, "a dev build keeps them: they are its cache")
        #expect(dev.removed.filter { $0.kind == .container }.flatMap(\.ids) == ["7f5cb758288a"], "a container is no cache")
    }

    @Test func theLeftoversOfAnInterruptedBuildAreItsStepsImagesAndTheContainerItWasIn() {
        let whole = BuildLeftovers(output: Self.legacyOutput)
        #expect(whole.containers.isEmpty, "each step's container was removed")
        let cut = BuildLeftovers(output: Self.legacyOutput.components(separatedBy: "Removing intermediate container 7f5cb758288a")[0])
        #expect(cut.containers == ["7f5cb758288a"])
        #expect(cut.images == ["20818aa898fc", "5fd5899c9e31"])
        #expect(cut.untagged(among: ["sha256:5fd5899c9e31aaaa", "20818aa898fc", "0e3ba8dafa54"]) == ["sha256:5fd5899c9e31aaaa", "20818aa898fc"])
        // Docker 23's legacy builder (DOCKER_BUILDKIT=0) says it removed the container in other words.
        let newer = BuildLeftovers(output: "Step 2/3 : RUN true\n ---> Running in 408f83dc412c\n ---> Removed intermediate container 408f83dc412c\n ---> 20818aa898fc\n")
        #expect(newer.containers.isEmpty && newer.images == ["20818aa898fc"])
    }

    @Test func cleanPrunesTheBuildCacheOnlyWhenAsked() async throws {
        let engine = FakeEngine()
        _ = try await runWorkflows(["clean"], engine: engine, root: try NumbersAPIShape.make())
        #expect(!engine.changes.contains(.pruneBuildCache))
        let (status, console) = try await runWorkflows(["clean", "--build-cache"], engine: engine, root: try NumbersAPIShape.make())
        #expect(status == 0, "\(console.all)")
        #expect(engine.changes.contains(.pruneBuildCache))
        #expect(console.stdout.contains("Pruned the engine's build cache (Total:"))
    }

    /// Podman has no build cache apart from images: nothing is pruned, and the message says what stays.
    @Test func cleanBuildCacheOnPodmanPrunesNothingAndSaysWhatStays() async throws {
        let engine = FakeEngine()
        engine.podman = true
        let (status, console) = try await runWorkflows(["clean", "--build-cache"], engine: engine, root: try NumbersAPIShape.make())
        #expect(status == 0, "\(console.all)")
        #expect(!engine.changes.contains(.pruneBuildCache))
        #expect(console.stdout.contains("No build cache to prune: Podman keeps its build's layers as images"), "\(console.stdout)")
        #expect(console.stdout.contains("earlier stages carry no label"))
    }
}
