import Foundation

/// `build_ci_image` (no cache) and `build_dev_image` (cache kept), labelled from git.
struct BuildImage: Sendable {
    var useCache: Bool
    var image: String
    var project: Project
    var docker: any ContainerEngine
    /// git's facts of the checkout (nil outside one), asked once for the run.
    var facts: Git.Facts?
    var console: Console
    var resources: RunResources

    /// Returns the ID of the image it built.
    func run() async throws -> String {
        let dockerfile = project.path(project.dockerfile)
        if let missing = MissingDockerfile(project: project) { throw missing.error }
        try await docker.requireEngine()
        if facts == nil {
            console.warning(
                "\(project.root.path) is not a git repository (or git is missing): the image's commit, branch "
                    + "and version labels say 'unknown', and publish_image will refuse it.")
        }
        switch facts?.tree {
        case .dirty:
            console.warning(
                "The working tree has uncommitted changes: the image is labelled workflows.tree=dirty, and "
                    + "publish_image will not push it. Commit, then build again to publish.")
        case .unknown(let reason):
            console.warning(
                "git cannot tell whether the working tree is clean (\(reason)): the image is labelled "
                    + "workflows.tree=unknown, and publish_image will not push it. Fix what git reports (run "
                    + "'git status' in \(project.root.path)), then build again to publish.")
        case .clean, nil:
            break
        }
        var labels = Self.labels(facts: facts, useCache: useCache, created: Date())
        // Which image this build was of, so that `workflows clean --images` finds it once a later build
        // has taken its tag.
        labels.append((EngineLabels.image, ImageReference.repository(of: image)))
        // The labels go in one LABEL line at the end of a copy of the Dockerfile: with the legacy builder
        // each --label is a build step of its own (a container each), which cost seconds per build.
        let folder = resources.temporaryFolder("build")
        defer { try? FileManager.default.removeItem(at: folder) }
        let inputs = project.build
        let labelled = try Self.stageDockerfile(dockerfile, labels: labels, target: inputs.target, in: folder)
        let idFile = folder.appendingPathComponent("iid")
        console.info("(\(project.dockerfile) with the build's labels in one LABEL line at the end of "
            + (inputs.target.map { "its stage \($0)" } ?? "it") + ")")
        var options = BuildOptions(
            context: project.context, dockerfile: labelled.path, tags: [image], noCache: !useCache,
            imageIDFile: idFile.path, workingDirectory: project.root.path)
        options.target = inputs.target
        options.platform = inputs.platform
        // A value from ${VAR} goes by name, in the CLI's environment, never in the argument vector.
        for name in inputs.arguments.keys.sorted() {
            let value = inputs.arguments[name] ?? ""
            if project.isSecret(value) {
                options.arguments.append(ContainerVariable(name, nil))
                options.namedValues[name] = value
            } else {
                options.arguments.append(ContainerVariable(name, value))
            }
        }
        options.secrets = inputs.secrets.keys.sorted().map { name in
            switch inputs.secrets[name] {
            case .file(let path)?: return BuildSecret(name, .file(path.hasPrefix("/") ? path : project.path(path).path))
            case .environment(let variable)?: return BuildSecret(name, .environment(variable))
            case nil: return BuildSecret(name, .environment(name))
            }
        }
        for warning in Self.secretFilesSentToTheBuilder(options.secrets, project: project) { console.warning(warning) }
        // A signal stops the build mid-way: what its steps committed (legacy and Podman) goes too, unless it
        // is build_dev_image's layer cache; the container of the step it was at goes either way.
        let stopped = StoppedOutput()
        options.stoppedOutput = stopped
        let engine = docker
        let useCache = useCache
        let result = try await resources.withCleanup({ runner in
            guard let output = stopped.output else { return }
            var leftovers = BuildLeftovers(output: output.outputText + "\n" + output.errorText)
            if useCache { leftovers.images = [] }
            guard !leftovers.images.isEmpty || !leftovers.containers.isEmpty else { return }
            engine.cleanup(using: runner).removeInterruptedBuild(leftovers)
        }) {
            try await docker.build(options)
        }
        // build_ci_image never reuses the untagged images its build left (a multi-stage build's earlier
        // stages, on the legacy builder), and a failed build's last layers serve nobody: they go.
        // build_dev_image keeps them as its layer cache.
        if !useCache || !result.succeeded { await removeUntaggedImages(madeBy: result) }
        guard result.succeeded else {
            // An engine that went away fails the build too: that, not the Dockerfile, is then what to fix.
            try await docker.requireEngine(while: "building \(image)")
            let text = (try? String(contentsOf: dockerfile, encoding: .utf8)) ?? ""
            let features = BuildKitFeatures(dockerfile: text)
            if features.refusedByLegacyBuilder(output: result.outputText + "\n" + result.errorText) {
                throw features.error(dockerfile: project.dockerfile, image: image)
            }
            throw WorkflowsError(
                .failed, "\(docker.name) build of \(image) failed (\(describe(result.termination))).",
                remedy: "Its output is above; fix the Dockerfile or the files it copies and run the step again.")
        }
        let written = (try? String(contentsOf: idFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let written, !written.isEmpty { return written }
        guard let id = try await docker.imageID(image) else {
            throw WorkflowsError(.failed, "\(docker.name) build reported success, but \(image) is not there.")
        }
        return id
    }

    /// A secret's file that lies in the build context, and that its `.dockerignore` does not leave out, is
    /// sent to the builder like any file: a `COPY . …` puts it in the image, where the `--secret` mount
    /// never would. One warning each, naming the key and what to do.
    static func secretFilesSentToTheBuilder(_ secrets: [BuildSecret], project: Project) -> [String] {
        let context = project.path(project.context).standardizedFileURL.path
        let ignore = DockerIgnore.of(dockerfile: project.path(project.dockerfile), context: project.path(project.context))
        return secrets.compactMap { secret in
            guard case .file(let path) = secret.source else { return nil }
            let file = URL(fileURLWithPath: path).standardizedFileURL.path
            guard file.hasPrefix(context + "/") else { return nil }
            let relative = String(file.dropFirst(context.count + 1))
            guard !ignore.excludes(relative) else { return nil }
            return "The file of build.secrets.\(secret.id) (\(relative)) is in the build context, and no .dockerignore "
                + "line leaves it out: a COPY or ADD of the context puts it, secret and all, in the image. Add "
                + "'\(relative)' to .dockerignore, or keep the file outside the build context."
        }
    }

    /// Removes the untagged images that `result`'s output names as made by this build (`BuildLeftovers`);
    /// another build's on the same engine are not named there, and stay. Best effort: a failure is said.
    private func removeUntaggedImages(madeBy result: ProcessOutput) async {
        let made = BuildLeftovers(output: result.outputText + "\n" + result.errorText)
        guard !made.images.isEmpty, let dangling = try? await docker.list(.image, ListQuery([.dangling], all: false)) else {
            return
        }
        let leftovers = made.untagged(among: dangling)
        guard !leftovers.isEmpty else { return }
        console.info("Removing the untagged images this build left (earlier stages, or a failed build's last layers):")
        let removed = try? await docker.remove(.image, leftovers, force: false)
        if removed?.succeeded != true {
            console.warning("Some untagged images of this build were kept: \(removed?.errorText ?? "the engine was not asked")")
        }
    }

    /// Writes the Dockerfile with `labels` in one LABEL line at the end of the stage that is built (`target`,
    /// else the last: the image), and its own `.dockerignore` beside it when it has one (BuildKit reads
    /// `Dockerfile.dockerignore`).
    static func stageDockerfile(_ dockerfile: URL, labels: [(String, String)], target: String? = nil, in folder: URL) throws -> URL {
        let text: String
        do {
            text = try String(contentsOf: dockerfile, encoding: .utf8)
        } catch {
            throw WorkflowsError(.input, "Cannot read \(dockerfile.path): \(error.localizedDescription)")
        }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let copy = folder.appendingPathComponent("Dockerfile")
            try Data(labelledDockerfile(text, labels: labels, target: target).utf8).write(to: copy)
            let ignore = URL(fileURLWithPath: dockerfile.path + ".dockerignore")
            if FileManager.default.fileExists(atPath: ignore.path) {
                try FileManager.default.copyItem(at: ignore, to: folder.appendingPathComponent("Dockerfile.dockerignore"))
            }
            return copy
        } catch {
            throw WorkflowsError(
                .input, "Cannot write a copy of the Dockerfile to \(folder.path): \(error.localizedDescription)",
                remedy: "Check the free space and permissions of the temporary folder.")
        }
    }

    /// `text` with `LABEL "k"="v" …` at the end of the stage `target` (before the next stage's `FROM`), else
    /// appended. Values are quoted, with `"`, `$` and the Dockerfile's escape character (`\`, or the backtick
    /// of `# escape=`) escaped, so that nothing in a branch name expands.
    static func labelledDockerfile(_ text: String, labels: [(String, String)], target: String? = nil) -> String {
        let escape = DockerfileStages.escapeCharacter(of: text)
        func quoted(_ value: String) -> String {
            var result = "\""
            for character in value where !character.isNewline {
                if character == "\"" || character == "$" || character == escape { result.append(escape) }
                result.append(character)
            }
            return result + "\""
        }
        let line = "LABEL " + labels.map { "\(quoted($0.0))=\(quoted($0.1))" }.joined(separator: " ")
        var lines = DockerfileStages.physicalLines(text).map(String.init)
        if let target, let next = nextStage(after: target, in: text) {
            lines.insert(line, at: next)
            return lines.joined(separator: "\n")
        }
        return text + (text.hasSuffix("\n") ? "" : "\n") + line + "\n"
    }

    /// The line index of the `FROM` that begins the stage after the stage `target`; nil when that is the last.
    static func nextStage(after target: String, in text: String) -> Int? {
        let stages = DockerfileStages.stages(of: text)
        guard let index = stages.firstIndex(where: { $0.name == target.lowercased() }), index + 1 < stages.count else {
            return nil
        }
        return stages[index + 1].line
    }

    /// Labels in a fixed order: the original's three, then the OCI ones, then which kind of build it was.
    static func labels(facts: Git.Facts?, useCache: Bool, created: Date) -> [(String, String)] {
        let commit = facts?.commit ?? "unknown"
        let version = facts?.describe ?? "unknown"
        var labels: [(String, String)] = [
            ("commit", commit),
            ("branch", facts?.branch ?? "unknown"),
            ("version", version),
            ("org.opencontainers.image.revision", commit),
            ("org.opencontainers.image.version", version),
            ("org.opencontainers.image.created", rfc3339(created)),
        ]
        if let origin = facts?.origin, let source = Git.browsableURL(origin) {
            labels.append(("org.opencontainers.image.source", source))
        }
        // A dev build, or one of uncommitted changes, must never pass for what quality_pipeline assessed.
        labels.append((EngineLabels.build, useCache ? "dev" : "ci"))
        labels.append((EngineLabels.tree, facts?.tree.label ?? "unknown"))
        return labels
    }

    static func rfc3339(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}

func describe(_ termination: Termination) -> String {
    switch termination {
    case .exited(let code): return "exit code \(code)"
    case .signalled(let signal): return "ended by signal \(signal)"
    }
}
