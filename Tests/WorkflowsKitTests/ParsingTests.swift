import Foundation
import Testing

@testable import WorkflowsKit

@Suite struct ParsingTests {
    func state(_ json: String) throws -> ContainerState { try ContainerState.parse(Data(json.utf8)) }
    /// A starting container whose probes gave these exit codes and outputs (JSON-escaped).
    func probes(_ list: [(Int, String)]) throws -> ContainerState {
        let log = list.map { #"{"ExitCode":\#($0.0),"Output":"\#($0.1)"}"# }.joined(separator: ",")
        return try state(#"{"Status":"running","ExitCode":0,"Health":{"Status":"starting","Log":[\#(log)]}}"#)
    }

    // MARK: ContainerState

    @Test func parsesDockersStateAndIgnoresTheRest() throws {
        let parsed = try state(
            #"{"Status":"running","Running":true,"Pid":42,"ExitCode":0,"OOMKilled":false,"#
                + #""Health":{"Status":"healthy","FailingStreak":0,"Log":[{"ExitCode":0,"Output":"ok"}]}}"#)
        let health = ContainerState.HealthState(status: "healthy", log: [.init(exitCode: 0, output: "ok")])
        #expect(parsed == ContainerState(status: "running", exitCode: 0, oomKilled: false, health: health))
    }

    @Test(arguments: ["not json", #"{"Status":"running"}"#, #"[{"Status":"running","ExitCode":0}]"#])
    func unreadableStateIsAFailureQuotingIt(json: String) throws {
        let error = try #require(throws: WorkflowsError.self) { try state(json) }
        #expect(error.kind == .failed && error.message.contains(json))
    }

    @Test(arguments: [
        (#"{"Status":"running","ExitCode":0,"Health":{"Status":"healthy"}}"#, ContainerState.Verdict.healthy),
        (#"{"Status":"running","ExitCode":0,"Health":{"Status":"unhealthy"}}"#, .unhealthy),
        (#"{"Status":"running","ExitCode":0,"Health":{"Status":"starting"}}"#, .waiting),
        (#"{"Status":"created","ExitCode":0}"#, .waiting),
        (#"{"Status":"running","ExitCode":0}"#, .waiting),
        (#"{"Status":"running","ExitCode":0,"Health":null}"#, .waiting),
        (#"{"Status":"exited","ExitCode":3,"Health":{"Status":"healthy"}}"#, .ended(exitCode: 3)),
        (#"{"Status":"dead","ExitCode":137,"OOMKilled":true}"#, .ended(exitCode: 137)),
    ])
    func theVerdictFollowsStatusThenHealth(json: String, verdict: ContainerState.Verdict) throws {
        #expect(try state(json).verdict == verdict)
    }

    @Test func theProbeReportShowsTheLastThreeIndentedOrSaysThereAreNone() throws {
        #expect(try state(#"{"Status":"running","ExitCode":0}"#).probeReport == ["  (no health probe has run yet)"])
        #expect(try probes([]).probeReport == ["  (no health probe has run yet)"])
        let report = try probes([(1, "first"), (1, #"second\n"#), (-1, ""), (0, #"line one\nline two\n"#)]).probeReport
        #expect(report == [
            "  probe exit code 1:\n    second", "  probe timed out (-1)", "  probe exit code 0:\n    line one\n    line two",
        ])
    }

    // MARK: ImageConfig

    @Test func parsesDockersAndPodmansImageInspectAnswers() throws {
        let docker = try ImageConfig.parse(Data(
            #"[{"Id":"sha256:abc","Config":{"User":"app","WorkingDir":"/srv","Labels":{"commit":"c"},"Healthcheck":{"Test":["CMD","true"],"Interval":2000000000,"StartPeriod":10000000000}}}]"#.utf8))
        #expect(docker == [ImageConfig(
            id: "sha256:abc", user: "app", workingDirectory: "/srv",
            healthcheck: .init(test: ["CMD", "true"], interval: 2, timeout: 30, startPeriod: 10, retries: 3),
            labels: ["commit": "c"])])
        // Podman: a bare hex ID, and the healthcheck at the top level.
        let podman = try ImageConfig.parse(Data(
            #"[{"Id":"abc","Config":{"User":"","WorkingDir":null,"Labels":null},"Healthcheck":{"Test":["CMD-SHELL","true"],"Retries":5}}]"#.utf8))
        #expect(podman == [ImageConfig(
            id: "sha256:abc", user: "", workingDirectory: "",
            healthcheck: .init(test: ["CMD-SHELL", "true"], retries: 5), labels: [:])])
        let bare = try ImageConfig.parse(Data(#"[{"Id":"sha256:a","Config":{"User":""}}]"#.utf8))
        #expect(bare.first?.healthcheck == nil && bare.first?.declaresHealthcheck == false)
        let error = try #require(throws: WorkflowsError.self) { try ImageConfig.parse(Data("<no value>".utf8)) }
        #expect(error.kind == .failed && error.message.contains("<no value>"))
    }

    @Test(arguments: [
        (nil, false), ([], false), (["NONE"], false), (["CMD-SHELL"], false),
        (["CMD-SHELL", "curl -f http://localhost/"], true), (["CMD", "python", "-c", "1"], true),
    ] as [([String]?, Bool)])
    func declaresHealthcheckOnlyForARealProbe(test: [String]?, declares: Bool) {
        let config = ImageConfig(
            id: "x", user: "app", workingDirectory: "/", healthcheck: test.map { ImageConfig.Healthcheck(test: $0) }, labels: [:])
        #expect(config.declaresHealthcheck == declares)
    }

    @Test(arguments: [
        ("", true), ("root", true), ("0", true), ("0:0", true), ("0:1000", true),
        ("app", false), ("1000", false), ("1000:0", false), ("10", false), ("rooter", false),
    ])
    func runsAsRootForUidZeroOrRoot(user: String, root: Bool) {
        #expect(ImageConfig(id: "x", user: user, workingDirectory: "/", healthcheck: nil, labels: [:]).runsAsRoot == root)
    }

    /// `USER root:root` (user:group) is root, just as `USER 0:0` is.
    @Test(arguments: ["root:root", "root:0", "root:1000"])
    func theRootUserWithAGroupRunsAsRoot(user: String) {
        #expect(ImageConfig(id: "x", user: user, workingDirectory: "/", healthcheck: nil, labels: [:]).runsAsRoot)
    }

    // MARK: Git.browsableURL

    @Test(arguments: [
        ("git@github.com:o/app.git", "https://github.com/o/app"), ("git@github.com:o/app", "https://github.com/o/app"),
        ("https://github.com/o/app.git", "https://github.com/o/app"), ("http://git.example/t/a", "https://git.example/t/a"),
        ("ssh://git@github.com:22/o/app.git", "https://github.com/o/app"),
        ("https://x-access-token:secret@github.com/o/app.git", "https://github.com/o/app"),
    ])
    func aRemoteBecomesABrowsableURL(remote: String, url: String) {
        #expect(Git.browsableURL(remote) == url)
    }

    @Test(arguments: ["/srv/git/app.git", "file:///srv/git/app", "../app", "", "ftp://example.com/app"])
    func aLocalOrOddRemoteHasNoBrowsableURL(remote: String) {
        #expect(Git.browsableURL(remote) == nil)
    }

    // MARK: ShellQuoting

    @Test(arguments: [
        ("plain", "plain"), ("a/b.c:d=e,f@g%h+i-j_k", "a/b.c:d=e,f@g%h+i-j_k"), ("", "''"), ("two words", "'two words'"),
        ("it's", #"'it'\''s'"#), ("$HOME", "'$HOME'"), ("a;b", "'a;b'"), ("*", "'*'"), ("é", "'é'"), ("a\nb", "'a\nb'"),
    ])
    func quotesOnlyWhatTheShellWouldMisread(argument: String, quoted: String) {
        #expect(ShellQuoting.quote(argument) == quoted)
        #expect(ShellQuoting.line(["docker", argument, "x y"]) == "docker \(quoted) 'x y'")
    }

    // MARK: BuildImage.labels

    @Test func labelsFromGitInAFixedOrder() {
        let facts = Git.Facts(
            commit: "abc123", branch: "main", describe: "v1.0.0-2-gabc123", exactTag: nil,
            origin: "git@github.com:owner/app.git")
        let labels = BuildImage.labels(facts: facts, useCache: false, created: Date(timeIntervalSince1970: 0))
        let oci = "org.opencontainers.image."
        #expect(labels.map { "\($0.0)=\($0.1)" } == [
            "commit=abc123", "branch=main", "version=v1.0.0-2-gabc123", oci + "revision=abc123",
            oci + "version=v1.0.0-2-gabc123", oci + "created=1970-01-01T00:00:00Z",
            oci + "source=https://github.com/owner/app", "workflows.build=ci", "workflows.tree=clean",
        ])
    }

    @Test func labelsWithoutGitSayUnknownAndADevBuildSaysDev() {
        let labels = BuildImage.labels(facts: nil, useCache: true, created: Date(timeIntervalSince1970: 86_400))
        let byKey = Dictionary(uniqueKeysWithValues: labels)
        #expect(byKey["commit"] == "unknown" && byKey["branch"] == "unknown" && byKey["version"] == "unknown")
        #expect(byKey["org.opencontainers.image.source"] == nil && byKey["workflows.build"] == "dev")
        #expect(byKey["org.opencontainers.image.created"] == "1970-01-02T00:00:00Z")
    }

    // MARK: PublishImage

    func settings(publishRepository: String? = nil) -> Settings {
        Settings(
            image: "app", healthTimeoutSeconds: 60, docker: "docker", publishRepository: publishRepository,
            dryRun: false, allowUnverifiedImage: false, latestBranches: [], registryUser: nil, registryPassword: nil)
    }

    @Test func theRepositoryIsTheOptionThenGitHubActionsThenOrigin() throws {
        let repository = { (option: String?, slug: String, origin: String) in
            try PublishImage.repository(
                settings: settings(publishRepository: option), environment: ["GITHUB_REPOSITORY": slug], origin: origin)
        }
        #expect(try repository("127.0.0.1:5000/o/r", "A/B", "git@github.com:c/d.git") == "127.0.0.1:5000/o/r")
        #expect(try repository(nil, "Owner/Numbers", "git@github.com:c/d.git") == "ghcr.io/owner/numbers")
        #expect(try repository(nil, "", "git@github.com:Owner/App.git") == "ghcr.io/owner/app")
        #expect(try repository(nil, "", "https://github.com/Owner/App") == "ghcr.io/owner/app")
    }

    @Test(arguments: [nil, "git@gitlab.com:o/r.git", "https://github.com/o/r/extra", "/srv/r.git"])
    func noRepositoryIsAUsageErrorNamingTheOption(origin: String?) throws {
        let error = try #require(throws: WorkflowsError.self) {
            try PublishImage.repository(settings: settings(), environment: [:], origin: origin)
        }
        #expect(error.kind == .usage)
        #expect(error.remedy?.contains("--publish-repository") == true)
    }

    @Test func theRefComesFromGitHubActionsThenGit() {
        let facts = Git.Facts(commit: "c", branch: "feature", describe: nil, exactTag: "v1.0.0", origin: nil)
        let actions = ["GITHUB_ACTIONS": "true", "GITHUB_REF_TYPE": "tag", "GITHUB_REF_NAME": "v2.0.0"]
        let ref = { (environment: [String: String], facts: Git.Facts?) in
            let ref = PublishImage.ref(environment: environment, facts: facts)
            return [ref.branch, ref.tag]
        }
        #expect(ref(actions, facts) == [nil, "v2.0.0"])
        #expect(ref(actions.merging(["GITHUB_REF_TYPE": "branch", "GITHUB_REF_NAME": "main"]) { $1 }, facts) == ["main", nil])
        #expect(ref(["GITHUB_REF_TYPE": "tag", "GITHUB_REF_NAME": "v2.0.0"], facts) == ["feature", "v1.0.0"])
        let detached = Git.Facts(commit: "c", branch: "HEAD", describe: nil, exactTag: nil, origin: nil)
        #expect(ref([:], detached) == [nil, nil])
        #expect(ref([:], nil) == [nil, nil])
        // The other CIs check out detached too: their own variables name the ref.
        #expect(ref(["GITLAB_CI": "true", "CI_COMMIT_BRANCH": "main"], detached) == ["main", nil])
        #expect(ref(["GITLAB_CI": "true", "CI_COMMIT_TAG": "v1.2.3", "CI_COMMIT_BRANCH": ""], detached) == [nil, "v1.2.3"])
        #expect(ref(["TF_BUILD": "True", "BUILD_SOURCEBRANCH": "refs/heads/release/2"], detached) == ["release/2", nil])
        #expect(ref(["TF_BUILD": "True", "BUILD_SOURCEBRANCH": "refs/tags/v3.0.0"], detached) == [nil, "v3.0.0"])
        #expect(ref(["TF_BUILD": "True", "BUILD_SOURCEBRANCH": "refs/pull/7/merge"], detached) == [nil, nil])
        #expect(ref(["JENKINS_URL": "http://j/", "BRANCH_NAME": "master"], detached) == ["master", nil])
        #expect(ref(["JENKINS_URL": "http://j/", "TAG_NAME": "v1.0.1", "BRANCH_NAME": "v1.0.1"], detached) == [nil, "v1.0.1"])
        #expect(ref(["GITLAB_CI": "true"], facts) == ["feature", "v1.0.0"], "git's, when the CI's are unset")
    }

    @Test func theDigestIsFoundInPushOutput() {
        let hex = String(repeating: "0123456789abcdef", count: 4)
        #expect(PublishImage.digest(in: "v1: digest: sha256:\(hex) size: 1573\n") == "sha256:\(hex)")
        #expect(PublishImage.digest(in: "sha256:\(hex.dropLast())") == nil)
        #expect(PublishImage.digest(in: "sha256:\(hex.uppercased())") == nil)
        #expect(PublishImage.digest(in: "") == nil)
    }

    // MARK: PassRecord.covers

    @Test(arguments: [
        (["build_ci_image", "assess_image_code", "assess_image_health"], true),
        (["assess_black", "build_ci_image", "assess_image_code", "run_app", "assess_image_health", "publish_image"], true),
        (["build_ci_image", "assess_image_code"], false),
        (["assess_image_code", "build_ci_image", "assess_image_health"], false),
        (["build_dev_image", "assess_image_code", "assess_image_health"], false),
        ([], false),
    ])
    func coversTheWholePipelineInOrder(steps: [String], covers: Bool) {
        #expect(PassRecord.covers(steps) == covers)
    }

    /// PassRecord.store records the image as it is after the last step: a build after build_ci_image
    /// (a cached dev build, or a rebuild after the assessments) replaces the assessed image, and that
    /// unassessed image must never be recorded as the one that passed quality_pipeline.
    @Test(arguments: [
        ["build_ci_image", "build_dev_image", "assess_image_code", "assess_image_health"],
        ["build_ci_image", "assess_image_code", "build_dev_image", "assess_image_health"],
        ["build_ci_image", "assess_image_code", "assess_image_health", "build_dev_image"],
        ["build_ci_image", "assess_image_code", "assess_image_health", "build_ci_image"],
    ])
    func aBuildThatReplacesTheAssessedImageIsNoPass(steps: [String]) {
        #expect(!PassRecord.covers(steps))
    }

    // MARK: StepCatalog and Usage

    let catalog = StepCatalog.steps(for: .numbersAPI)

    @Test func findsByNameOrKebabAliasOnly() throws {
        for step in catalog {
            #expect(StepCatalog.find(step.name, in: catalog) == step)
            #expect(StepCatalog.find(step.alias, in: catalog) == step)
        }
        #expect(try #require(StepCatalog.find("assess-image-health", in: catalog)).name == "assess_image_health")
        #expect(Set(catalog.map(\.name)).count == catalog.count)
        for name in ["assess-image_health", "BUILD_CI_IMAGE", "build ci image", ""] {
            #expect(StepCatalog.find(name, in: catalog) == nil)
        }
    }

    @Test func expandsTheQualityPipelineAndKeepsAnAtomicStep() throws {
        let pipeline = try #require(StepCatalog.find("quality-pipeline", in: catalog))
        #expect(StepCatalog.expand(pipeline, in: catalog).map(\.name) == PassRecord.pipeline)
        let build = try #require(StepCatalog.find("build_ci_image", in: catalog))
        #expect(StepCatalog.expand(build, in: catalog) == [build])
    }

    @Test(arguments: [
        ("build_ci_imag", "build_ci_image"), ("build-ci-imag", "build_ci_image"), ("BUILD_CI_IMAGE", "build_ci_image"),
        ("asess_tests", "assess_tests"), ("publish", nil), ("build_ci_image; touch x", nil), ("zzz", nil),
    ] as [(String, String?)])
    func suggestsOnlyACloseName(word: String, suggestion: String?) {
        #expect(StepCatalog.suggestion(for: word, among: catalog.map(\.name)) == suggestion)
        #expect(StepCatalog.suggestion(for: word, among: []) == nil)
    }

    @Test func theHelpListsEveryStepEveryOptionAndTheExitCodes() {
        let text = Usage.text(for: .numbersAPI)
        let lines = text.split(separator: "\n").map(String.init)
        for step in catalog {
            #expect(lines.contains { $0.hasPrefix("  \(step.name) ") && $0.hasSuffix(step.summary) }, "\(step.name)")
        }
        for option in OptionSpec.all {
            #expect(text.contains(option.flag))
            if let variable = option.variable { #expect(text.contains(variable)) }
        }
        for word in ["--version", "--help", "WORKFLOWS_DOCKER", "WORKFLOWS_LATEST_BRANCHES", "64", "130"] {
            #expect(text.contains(word), "\(word)")
        }
    }
}
