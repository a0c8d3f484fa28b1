import Testing

@testable import WorkflowsKit

@Suite struct InvocationTests {
    struct NotARun: Error { var invocation: Invocation }

    func parse(_ arguments: [String], _ environment: [String: String] = [:]) throws -> Invocation {
        try Invocation.parse(arguments, environment: environment, project: .numbersAPI)
    }

    /// The steps (by name) and settings of a `.run`.
    func run(_ arguments: [String], _ environment: [String: String] = [:]) throws -> ([String], Settings) {
        let invocation = try parse(arguments, environment)
        guard case .run(let steps, let settings) = invocation else { throw NotARun(invocation: invocation) }
        return (steps.map(\.name), settings)
    }

    /// The usage error the command line must give.
    func usageError(
        _ arguments: [String], _ environment: [String: String] = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> WorkflowsError {
        let error = try #require(throws: WorkflowsError.self, sourceLocation: sourceLocation) {
            try parse(arguments, environment)
        }
        #expect(error.kind == .usage, sourceLocation: sourceLocation)
        #expect(error.exitCode == 64, sourceLocation: sourceLocation)
        return error
    }

    // MARK: Steps

    @Test func stepsRunInTheOrderGiven() throws {
        let (steps, _) = try run(["assess_image_health", "build_ci_image", "assess_black"])
        #expect(steps == ["assess_image_health", "build_ci_image", "assess_black"])
    }

    @Test func aKebabCaseAliasNamesTheSameStep() throws {
        let (steps, _) = try run(["build-ci-image", "quality-pipeline", "assess-tests"])
        #expect(steps == ["build_ci_image", "quality_pipeline", "assess_tests"])
    }

    @Test func theDefaultsComeFromTheProject() throws {
        let (_, settings) = try run(["build_ci_image"])
        #expect(settings.image == "numbers-api:latest")
        #expect(settings.healthTimeoutSeconds == 60)
        #expect(settings.docker == "docker")
        #expect(settings.latestBranches == ["main", "master"])
        #expect(settings.publishRepository == nil)
        #expect(!settings.dryRun && !settings.allowUnverifiedImage)
        #expect(settings.registryUser == nil && settings.registryPassword == nil)
    }

    @Test(arguments: [["help"], ["-h"], ["--help"], ["build_ci_image", "help"], ["run_app", "--image", "x", "-h"]])
    func helpWinsWherever(arguments: [String]) throws {
        #expect(try parse(arguments) == .help)
    }

    @Test(arguments: [["--version"], ["build_ci_image", "--version"]])
    func versionIsAnswered(arguments: [String]) throws {
        #expect(try parse(arguments) == .version)
    }

    @Test(arguments: [[], ["--dry-run"], ["--image", "app:1"]])
    func noStepIsAUsageError(arguments: [String]) throws {
        let error = try usageError(arguments)
        #expect(error.message.contains("no step"))
    }

    @Test func anUnknownStepSuggestsTheClosest() throws {
        let error = try usageError(["build_ci_imag"])
        #expect(error.message.contains("'build_ci_imag'"))
        #expect(error.message.contains("build_ci_image"))
        #expect(error.remedy?.contains("--help") == true)
    }

    @Test func anUnknownStepAfterValidOnesStopsEverything() throws {
        let error = try usageError(["build_ci_image", "deploy"])
        #expect(error.message.contains("'deploy'"))
    }

    @Test func aShellInjectionIsNoStep() throws {
        let error = try usageError(["build_ci_image; touch x"])
        #expect(error.message.contains("build_ci_image; touch x"))
    }

    // MARK: Options

    @Test func anUnknownOptionIsNamedAndTheClosestSuggested() throws {
        let error = try usageError(["--imag", "x", "build_ci_image"])
        #expect(error.message.contains("'--imag'"))
        #expect(error.message.contains("--image'"))
        let other = try usageError(["--frobnicate", "build_ci_image"])
        #expect(other.message.contains("--frobnicate"))
    }

    @Test(arguments: [["--image", "ghcr.io/o/app:1.0"], ["--image=ghcr.io/o/app:1.0"]])
    func theImageOptionTakesItsValueEitherWay(option: [String]) throws {
        let (steps, settings) = try run(option + ["build_ci_image"])
        #expect(settings.image == "ghcr.io/o/app:1.0")
        #expect(steps == ["build_ci_image"])
    }

    @Test func theFlagWinsOverTheVariable() throws {
        let (_, settings) = try run(["--image", "flag:1", "build_ci_image"], ["WORKFLOWS_IMAGE": "env:1"])
        #expect(settings.image == "flag:1")
    }

    @Test func theVariableIsUsedWithoutFlag() throws {
        let (_, settings) = try run(["build_ci_image"], ["WORKFLOWS_IMAGE": "env:1"])
        #expect(settings.image == "env:1")
    }

    @Test func anEmptyVariableMeansTheDefault() throws {
        let (_, settings) = try run(["build_ci_image"], ["WORKFLOWS_IMAGE": "", "WORKFLOWS_DOCKER": ""])
        #expect(settings.image == "numbers-api:latest")
        #expect(settings.docker == "docker")
    }

    @Test(arguments: [
        (["--image", "Bad Image", "build_ci_image"], [:]),
        (["--image=UPPER:1", "build_ci_image"], [:]),
        (["build_ci_image"], ["WORKFLOWS_IMAGE": "app:bad+tag"]),
    ] as [([String], [String: String])])
    func anInvalidImageIsAUsageError(arguments: [String], environment: [String: String]) throws {
        let error = try usageError(arguments, environment)
        #expect(error.message.contains("not a valid image reference"))
    }

    /// `--image=` has an empty value: it must not swallow the next argument as the image.
    @Test func anEmptyImageValueDoesNotSwallowTheNextArgument() throws {
        _ = try usageError(["--image=", "build_ci_image", "assess_image_health"])
    }

    /// `--report-dir ""` (an unset variable in a CI script) would write the reports into the current folder,
    /// the checkout, which then looks dirty: a usage error, as `--report-dir=` is.
    @Test func anEmptySeparateValueIsAUsageError() throws {
        for flag in ["--report-dir", "--image", "--publish-repository"] {
            let error = try usageError([flag, "", "clean"])
            #expect(error.message.hasPrefix("option '\(flag)' needs a value"), "\(error.message)")
        }
    }

    @Test func aMissingValueAtTheEndIsAUsageError() throws {
        let error = try usageError(["build_ci_image", "--image"])
        #expect(error.message.contains("--image"))
        #expect(error.message.contains("needs a value"))
    }

    @Test(arguments: ["abc", "0", "-5", "nan", "inf"])
    func aBadHealthTimeoutFlagIsAUsageErrorNamingIt(value: String) throws {
        let error = try usageError(["--health-timeout=\(value)", "assess_image_health"])
        #expect(error.message.contains("--health-timeout"))
    }

    @Test func aNegativeHealthTimeoutAsSeparateValueIsRejectedToo() throws {
        let error = try usageError(["--health-timeout", "-5", "assess_image_health"])
        #expect(error.message.contains("--health-timeout"))
        #expect(error.message.contains("'-5'"))
    }

    @Test func theHealthTimeoutTakesFractionsAndTheFlagWins() throws {
        let (_, flag) = try run(["--health-timeout", "2.5", "assess_image_health"], ["WORKFLOWS_HEALTH_TIMEOUT": "9"])
        #expect(flag.healthTimeoutSeconds == 2.5)
        let (_, variable) = try run(["assess_image_health"], ["WORKFLOWS_HEALTH_TIMEOUT": "9"])
        #expect(variable.healthTimeoutSeconds == 9)
    }

    @Test(arguments: ["soon", "0", "-1"])
    func aBadHealthTimeoutVariableIsAnErrorNamingTheVariable(value: String) throws {
        let error = try usageError(["assess_image_health"], ["WORKFLOWS_HEALTH_TIMEOUT": value])
        #expect(error.message.contains("WORKFLOWS_HEALTH_TIMEOUT"))
        #expect(error.message.contains("'\(value)'"))
    }

    @Test func flagsTakeNoValue() throws {
        let error = try usageError(["--dry-run=yes", "publish_image"])
        #expect(error.message.contains("--dry-run"))
        #expect(error.message.contains("no value"))
    }

    @Test func flagsAreSet() throws {
        let (_, settings) = try run(["--dry-run", "--allow-unverified-image", "publish_image"])
        #expect(settings.dryRun)
        #expect(settings.allowUnverifiedImage)
    }

    @Test func thePublishRepositoryComesFromTheFlagOrTheVariable() throws {
        let (_, flag) = try run(
            ["--publish-repository", "ghcr.io/o/flag", "publish_image"],
            ["WORKFLOWS_PUBLISH_REPOSITORY": "ghcr.io/o/env"])
        #expect(flag.publishRepository == "ghcr.io/o/flag")
        let (_, variable) = try run(["publish_image"], ["WORKFLOWS_PUBLISH_REPOSITORY": "ghcr.io/o/env"])
        #expect(variable.publishRepository == "ghcr.io/o/env")
    }

    /// parse promises to validate the whole command line before anything runs; an invalid repository
    /// would otherwise fail only at `docker tag`, after the whole quality pipeline.
    @Test(arguments: ["ghcr.io/Owner/App", "not a repository", "ghcr.io/o/r:tag"])
    func anInvalidPublishRepositoryIsAUsageError(repository: String) throws {
        let error = try usageError(["--publish-repository", repository, "quality_pipeline", "publish_image"])
        #expect(error.message.contains(repository))
    }

    // MARK: Environment

    @Test func latestBranchesAreSplitAndTrimmed() throws {
        let (_, settings) = try run(["publish_image"], ["WORKFLOWS_LATEST_BRANCHES": "main, release ,,"])
        #expect(settings.latestBranches == ["main", "release"])
    }

    @Test func theDockerCLIAndRegistryCredentialsComeFromTheEnvironment() throws {
        let (_, settings) = try run(
            ["publish_image"],
            [
                "WORKFLOWS_DOCKER": "/usr/local/bin/podman", "WORKFLOWS_REGISTRY_USER": "bot",
                "WORKFLOWS_REGISTRY_PASSWORD": "s3cret",
            ])
        #expect(settings.docker == "/usr/local/bin/podman")
        #expect(settings.registryUser == "bot")
        #expect(settings.registryPassword == "s3cret")
    }

    @Test func emptyCredentialsAreNoCredentials() throws {
        let (_, settings) = try run(
            ["publish_image"], ["WORKFLOWS_REGISTRY_USER": "", "WORKFLOWS_REGISTRY_PASSWORD": ""])
        #expect(settings.registryUser == nil)
        #expect(settings.registryPassword == nil)
    }
}
