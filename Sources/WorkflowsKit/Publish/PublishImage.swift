import Foundation

/// `publish_image`: push exactly the image that passed quality_pipeline for HEAD, under the tags that
/// `TagRules` gives, logging in first when credentials are in the environment (password through stdin).
struct PublishImage: Sendable {
    var settings: Settings
    var environment: [String: String]
    var docker: any ContainerEngine
    var git: Git
    /// git's facts of the checkout (nil outside one), asked once for the run.
    var facts: Git.Facts?
    var console: Console
    var resources: RunResources
    var details: StepDetails

    func run() async throws {
        let repository = try Self.repository(settings: settings, environment: environment, origin: facts?.origin)
        let ref = Self.ref(environment: environment, facts: facts)
        let knownTags = await git.tags()
        let plan = try TagRules.plan(
            branch: ref.branch, tag: ref.tag, latestBranches: settings.latestBranches, knownTags: knownTags)
        guard !plan.tags.isEmpty else {
            console.info(plan.reason)
            return
        }
        let references = plan.tags.map { "\(repository):\($0)" }
        console.info("Tags for \(repository) (\(plan.reason)): \(plan.tags.joined(separator: ", "))")

        try await docker.requireEngine()
        guard let imageID = try await docker.imageID(settings.image) else {
            throw WorkflowsError(
                .input, "The engine has no image \(settings.image) to publish.",
                remedy: "Run 'workflows quality_pipeline' first.")
        }
        try await verifyPassed(imageID: imageID, headCommit: facts?.commit)

        let registry = ImageReference.registry(of: repository)
        let access = await docker.access(to: registry)
        let credentials = settings.registryUser.flatMap { user in settings.registryPassword.map { (user, $0) } }
        if settings.dryRun {
            console.info("Dry run: these commands would run; nothing changes.")
            if let (user, _) = credentials {
                console.command(docker.commandLine(.login(user: user), access))
            }
            for reference in references {
                console.command(docker.commandLine(.tag(source: imageID, target: reference), access))
                console.command(docker.commandLine(.push(reference), access))
            }
            return
        }
        guard let (user, password) = credentials else {
            try await push(references, of: imageID, access: access)
            return
        }
        // Logged in for this push only, like docker/login-action; also when a signal ends the run, and when
        // the engine hung during an earlier cleanup: the logout removes a credential, so it always runs.
        let executable = settings.docker
        let logout: Cancellator.Cleanup = { [console, docker] runner in
            if let problem = docker.cleanup(using: runner).logout(registry) {
                console.warning(
                    "Could not log out of \(registry) (\(problem)): the login may remain in the CLI's configuration "
                        + "(DOCKER_CONFIG, ~/.docker/config.json). Run '\(executable) logout \(registry)'.")
            }
        }
        try await resources.withCleanup(logout) {
            try await login(access, user: user, password: password)
            try await push(references, of: imageID, access: access)
        }
    }

    /// Tags the verified image ID (not its name, which another build may have moved) and pushes each tag.
    /// The local tag goes on every path out, a signal mid-push included: it is a cleanup of the run's.
    private func push(_ references: [String], of imageID: String, access: RegistryAccess) async throws {
        var pushed: [String] = []
        var recorded: [PublishReport.PushedReference] = []
        defer { details.record(publish: PublishReport(references: recorded)) }
        for (index, reference) in references.enumerated() {
            let untag: Cancellator.Cleanup = { [docker] runner in
                docker.cleanup(using: runner).remove(.image, [reference], force: false)
            }
            let (result, digest) = try await resources.withCleanup(untag) { [docker] in
                let tagged = try await docker.tag(imageID, as: reference, output: .live)
                let result = tagged.succeeded ? try await docker.push(reference, access) : tagged
                let digest = result.succeeded
                    ? await repoDigest(reference, docker: docker) ?? Self.digest(in: result.outputText) : nil
                return (result, digest)
            }
            guard result.succeeded else {
                let done = pushed.isEmpty ? "Nothing was pushed." : "Already pushed: \(pushed.joined(separator: ", "))."
                let notPushed = " Not pushed: \(references[index...].joined(separator: ", "))."
                throw WorkflowsError(
                    .failed,
                    "Pushing \(reference) failed: \(result.errorText.split(separator: "\n").last ?? ""). \(done)\(notPushed)",
                    remedy: "Check that \(ImageReference.registry(of: reference)) answers and that you are logged in to it "
                        + "with the right to push (WORKFLOWS_REGISTRY_USER and WORKFLOWS_REGISTRY_PASSWORD, or docker "
                        + "login), then run publish_image again: pushing is idempotent.")
            }
            pushed.append(digest.map { "\(reference)@\($0)" } ?? "\(reference) (the CLI reported no digest)")
            recorded.append(.init(reference: reference, digest: digest))
        }
        console.success("Pushed:")
        for line in pushed { console.success("  " + line) }
    }

    /// The registry's digest of what was just pushed, as the engine recorded it.
    private func repoDigest(_ reference: String, docker: any ContainerEngine) async -> String? {
        guard let digests = await docker.repoDigests(of: reference) else { return nil }
        let repository = String(reference[..<(reference.lastIndex(of: ":") ?? reference.endIndex)])
        return digests.first { $0.hasPrefix(repository + "@") }.map { String($0.dropFirst(repository.count + 1)) }
    }

    private func login(_ access: RegistryAccess, user: String, password: String) async throws {
        let registry = access.registry
        let result = try await docker.login(access, user: user, password: password)
        guard result.succeeded else {
            let reason = result.errorText.replacingOccurrences(of: password, with: "***")
            throw WorkflowsError(
                .failed, "\(docker.name) login to \(registry) as \(user) failed: \(reason). Nothing was pushed.",
                remedy: "Check WORKFLOWS_REGISTRY_USER and WORKFLOWS_REGISTRY_PASSWORD (a token with the right to "
                    + "push packages).")
        }
        console.info("Logged in to \(registry) as \(user).")
    }

    private func verifyPassed(imageID: String, headCommit: String?) async throws {
        let image = settings.image
        if settings.allowUnverifiedImage {
            console.warning("--allow-unverified-image: pushing \(image) without checking that it passed.")
            return
        }
        let record = await PassRecord.load(image: image, git: git)
        let problem: String?
        if let record {
            if record.imageID != imageID {
                problem = "\(image) is now \(imageID.prefix(19)), not the image that passed (\(record.imageID.prefix(19))): "
                    + "it was built again after quality_pipeline (build_dev_image?)"
            } else if let headCommit, record.commit != headCommit {
                problem = "the image passed for commit \(record.commit.prefix(12)), but HEAD is \(headCommit.prefix(12))"
            } else if headCommit == nil {
                problem = "this is not a git repository, so HEAD's commit is unknown"
            } else {
                problem = nil
            }
        } else {
            problem = "no quality_pipeline has passed for \(image) in this checkout"
        }
        if let problem {
            throw WorkflowsError(
                .failed, "Refusing to publish: \(problem). Nothing was pushed.",
                remedy: "Run 'workflows quality_pipeline publish_image'. To push anyway, knowing why: "
                    + "--allow-unverified-image.")
        }
    }

    /// The registry repository: the option, else ghcr.io from GitHub Actions' or origin's owner/name.
    static func repository(settings: Settings, environment: [String: String], origin: String?) throws -> String {
        if let repository = settings.publishRepository { return repository }
        if let slug = environment["GITHUB_REPOSITORY"], !slug.isEmpty {
            return try checked("ghcr.io/" + slug.lowercased(), from: "GITHUB_REPOSITORY")
        }
        if let origin, let url = Git.browsableURL(origin), let components = URLComponents(string: url),
            components.host == "github.com"
        {
            let path = components.path.split(separator: "/")
            if path.count == 2 { return try checked("ghcr.io/\(path[0])/\(path[1])".lowercased(), from: "origin") }
        }
        throw WorkflowsError(
            .usage, "publish_image does not know where to push: no --publish-repository, no GITHUB_REPOSITORY, "
                + "and no origin remote on github.com.",
            remedy: "Pass --publish-repository ghcr.io/OWNER/NAME (or set WORKFLOWS_PUBLISH_REPOSITORY).")
    }

    private static func checked(_ repository: String, from source: String) throws -> String {
        guard ImageReference.isValidRepository(repository) else {
            throw WorkflowsError(
                .usage, "'\(repository)', derived from \(source), is not a valid image repository.",
                remedy: "Pass --publish-repository REGISTRY/OWNER/NAME (or set WORKFLOWS_PUBLISH_REPOSITORY).")
        }
        return repository
    }

    /// Branch and tag; on a CI from its variables, because its checkouts are detached: GitHub's
    /// `GITHUB_REF_TYPE`/`GITHUB_REF_NAME`, GitLab's `CI_COMMIT_TAG`/`CI_COMMIT_BRANCH`, Azure's
    /// `BUILD_SOURCEBRANCH` (`refs/heads/…`, `refs/tags/…`), Jenkins' `TAG_NAME`/`BRANCH_NAME` (multibranch
    /// pipelines); else, or when the CI's are unset, git's.
    static func ref(environment: [String: String], facts: Git.Facts?) -> (branch: String?, tag: String?) {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        switch CISystem.detect(in: environment) {
        case .github:
            if let type = value("GITHUB_REF_TYPE"), let name = value("GITHUB_REF_NAME") {
                return type == "tag" ? (nil, name) : (name, nil)
            }
        case .gitlab:
            if let tag = value("CI_COMMIT_TAG") { return (nil, tag) }
            if let branch = value("CI_COMMIT_BRANCH") { return (branch, nil) }
        case .azure:
            if let ref = value("BUILD_SOURCEBRANCH") {
                if ref.hasPrefix("refs/tags/") { return (nil, String(ref.dropFirst("refs/tags/".count))) }
                if ref.hasPrefix("refs/heads/") { return (String(ref.dropFirst("refs/heads/".count)), nil) }
            }
        case .jenkins:
            if let tag = value("TAG_NAME") { return (nil, tag) }
            if let branch = value("BRANCH_NAME") { return (branch, nil) }
        case nil:
            break
        }
        let branch = facts?.branch == "HEAD" ? nil : facts?.branch
        return (branch, facts?.exactTag)
    }

    static func digest(in pushOutput: String) -> String? {
        guard let range = pushOutput.range(of: "sha256:[0-9a-f]{64}", options: .regularExpression) else { return nil }
        return String(pushOutput[range])
    }
}
