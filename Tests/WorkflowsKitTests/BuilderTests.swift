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
        #expect(Builder.detect(podman: false, buildxAnswers: false, environment: ["DOCKER_BUILDKIT": "1"]) == .legacy)
        #expect(Builder.detect(podman: true, buildxAnswers: false, environment: ["DOCKER_BUILDKIT": "0"]) == .podman)
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
