import Foundation

/// The gates' tools, installed once into an image of their own and reused by every later run: keyed by
/// what decides them (the test requirements' text, the tools pinned nowhere, the image's Python, platform,
/// user and installed distributions), so that a `--no-cache` rebuild of an unchanged app reuses it and a
/// changed requirement builds a new one. Never in the production image, no bind mounts; labelled
/// `workflows.cache=gate-tools` so that `workflows clean --caches` finds it.
struct GateTools: Sendable {
    static let repository = "workflows-gate-tools"
    static let labelKey = "workflows.cache"
    static let labelValue = "gate-tools"
    /// Where the tools live in the tools image and, copied from it, in the gates' image.
    static let folder = "/tmp/workflows-gates"
    /// Bumped when the tools image's layout changes, so that old caches are not reused.
    static let format = "1"

    var project: Project
    var docker: DockerCLI
    var console: Console
    var resources: RunResources

    /// The prepared tools: the cached image, and the volume the gates mount them from.
    struct Prepared: Sendable, Equatable {
        var image: String
        var volume: String
    }

    /// The tools for `image` (an image reference of the run's own), built when no cache has its key, and
    /// the named volume that holds them for the gates' containers: a volume lives in the engine (a remote
    /// engine has it too, unlike a bind mount), and mounting it costs nothing, where copying the tools
    /// into each run's gates image took seconds. An empty named volume is filled from the image at its
    /// mount point on first use, by Docker and Podman alike. Also checks, in the same short run, that the
    /// sources the linters read and that do not travel with the tests are in the image.
    func prepare(image: String, user: String) async throws -> Prepared {
        let facts = try await imageFacts(image)
        let key = try cacheKey(imageFacts: facts, user: user)
        let tag = "\(Self.repository):\(key)"
        let volume = "\(Self.repository)-\(key)"
        if try await docker.imageID(tag) != nil {
            console.info("Gate tools: reusing \(tag), cached for these requirements and this image's Python.")
        } else {
            console.info("Gate tools: installing them once into \(tag); later runs reuse it.")
            try await build(tag, base: image, user: user, key: key)
        }
        guard !(try await docker.query(["volume", "inspect", volume])).succeeded else {
            return Prepared(image: tag, volume: volume)
        }
        let label = "\(Self.labelKey)=\(Self.labelValue)"
        let created = try await docker.run(["volume", "create", "--label", label, volume], output: .captured)
        let filled = created.succeeded
            ? try await docker.run(
                ["run", "--rm"] + resources.labelArguments
                    + ["--mount", "type=volume,source=\(volume),target=\(Self.folder)", "--entrypoint", "python", tag,
                       "-c", "pass"], output: .captured)
            : created
        guard filled.succeeded else {
            _ = try? await docker.query(["volume", "rm", "--force", volume])
            throw WorkflowsError(
                .failed, "Could not fill the volume \(volume) with the gates' tools: \(filled.errorText)",
                remedy: "Check the engine's free space; 'workflows clean --caches' removes old tools.")
        }
        return Prepared(image: tag, volume: volume)
    }

    private func build(_ tag: String, base image: String, user: String, key: String) async throws {
        let folder = resources.temporaryFolder("gate-tools")
        defer { try? FileManager.default.removeItem(at: folder) }
        try stage(in: folder, base: image, user: user, key: key)
        let build = try await docker.run(["build", "--force-rm", "--tag", tag, folder.path])
        guard build.succeeded else {
            let requirements = project.testRequirements.isEmpty
                ? "the gates' tools" : project.testRequirements.joined(separator: ", ")
            throw WorkflowsError(
                .failed, "Installing the gates' tools into a copy of the image failed.",
                remedy: "pip's output is above: check the pins in \(requirements) (they must agree with the "
                    + "image's own packages), and that the image has python with pip.")
        }
    }

    /// Python's version, the platform and the installed distributions, read from the image in one short run
    /// that also fails, naming them, when sources the linters read (and that do not travel with the tests
    /// and configs) are not in the image's working directory.
    func imageFacts(_ image: String) async throws -> String {
        let travelling = Set(project.tests + project.configFiles.map(\.destination))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let expected = project.sources.filter { !travelling.contains($0) }
        let list = String(decoding: (try? encoder.encode(expected)) ?? Data("[]".utf8), as: UTF8.self)
        let script = "import os, sys, platform, importlib.metadata as m; "
            + "missing = [p for p in \(list) if not os.path.exists(p)]; "
            + "missing and sys.exit('not in the image at ' + os.getcwd() + ': ' + ', '.join(missing)); "
            + "print(sys.version); print(platform.machine()); "
            + "print('\\n'.join(sorted(f\"{d.metadata['Name']}=={d.version}\" for d in m.distributions())))"
        let answer = try await docker.query([
            "run", "--rm"] + resources.labelArguments + ["--entrypoint", "python", image, "-c", script,
        ])
        guard answer.succeeded else {
            let said = answer.errorText.split(separator: "\n").last.map(String.init) ?? ""
            if said.hasPrefix("not in the image") {
                throw WorkflowsError(
                    .input, "Sources the linters read are \(said).",
                    remedy: "The Dockerfile does not copy them into the image's working directory: set 'sources' "
                        + "in the project file to what the image holds ('workflows show_project' shows them).")
            }
            throw WorkflowsError(
                .failed, "Could not run python in \(image): \(said).",
                remedy: "The gates run as 'python -m TOOL' in the image: it needs python on its PATH.")
        }
        return answer.outputText
    }

    func cacheKey(imageFacts: String, user: String) throws -> String {
        var text = "format \(Self.format)\nuser \(user)\n\(imageFacts)\ntools \(project.unpinnedTools.joined(separator: " "))\n"
        for file in project.requirementFiles {
            let contents = try Data(contentsOf: project.path(file))
            text += "file \(file) \(SHA256.hex(contents))\n"
        }
        return String(SHA256.hex(Data(text.utf8)).prefix(20))
    }

    private func stage(in folder: URL, base: String, user: String, key: String) throws {
        let fileManager = FileManager.default
        try fileManager.createDirectory(at: folder.appendingPathComponent("requirements"), withIntermediateDirectories: true)
        for file in project.requirementFiles {
            let destination = folder.appendingPathComponent("requirements/" + file)
            try fileManager.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            try fileManager.copyItem(at: project.path(file), to: destination)
        }
        try Data(project.unpinnedTools.map { $0 + "\n" }.joined().utf8).write(to: folder.appendingPathComponent("tools.txt"))
        let dockerfile = Self.dockerfile(image: base, user: user, key: key, requirements: project.testRequirements)
        try Data(dockerfile.utf8).write(to: folder.appendingPathComponent("Dockerfile"))
    }

    /// The tools go into their own folder (`pip --target`, as the image's user), constrained to the
    /// versions the image already has, so that a shared dependency is not a different one under test.
    /// Every layer carries the cache label (an interrupted build's leftovers are found too).
    static func dockerfile(image: String, user: String, key: String, requirements: [String]) -> String {
        let chown = user.isEmpty ? "" : "--chown=\(user) "
        let requirementArguments = requirements.map { " --requirement \(folder)/requirements/\($0)" }.joined()
        return """
            FROM \(image)
            LABEL \(labelKey)=\(labelValue) \(labelKey).key=\(key)
            RUN mkdir -p \(folder) \\
                && (python -m pip freeze | grep -E '^[A-Za-z0-9_.-]+==' || true) > \(folder)/constraints.txt
            COPY \(chown)requirements/ \(folder)/requirements/
            COPY \(chown)tools.txt \(folder)/tools.txt
            RUN python -m pip install --no-cache-dir --disable-pip-version-check --no-warn-script-location \\
                --target \(folder)/site-packages --constraint \(folder)/constraints.txt \\
                --requirement \(folder)/tools.txt\(requirementArguments)

            """
    }
}
