import Foundation

/// What the tools' download (`ToolWheels`) and install (`GateTools`) read on their standard input, as
/// JSON: the requirement files by path, which their scripts' `prelude` writes into `folder` (relative
/// paths kept, so that `-r` and `-c` includes resolve), with the constraints given.
enum ToolInputs {
    static let folder = "/tmp/workflows-tools-input"

    /// The requirements file written from the lines that `pyproject.toml` declares (groups, Poetry, extras).
    static let declaredFile = "workflows-declared-test-dependencies.txt"

    /// The test requirements and every file they include, by path relative to the root, installer pins
    /// commented out; and `declaredFile` when pyproject.toml declares lines.
    static func files(of project: Project) throws -> [String: String] {
        var files: [String: String] = [:]
        for file in project.requirementFiles {
            files[file] = Requirements.withoutInstallers(String(decoding: try Data(contentsOf: project.path(file)), as: UTF8.self))
        }
        if let declared = declaredText(of: project) { files[declaredFile] = declared }
        return files
    }

    /// The files pip reads with `--requirement`: the named ones, then `declaredFile`.
    static func requirements(of project: Project) -> [String] {
        project.testRequirements + (project.testDependencies.lines.isEmpty ? [] : [declaredFile])
    }

    /// The declared lines, each under a comment naming its table; nil when there are none.
    static func declaredText(of project: Project) -> String? {
        let lines = project.testDependencies.lines
        guard !lines.isEmpty else { return nil }
        var text = ""
        var origin = ""
        for line in lines {
            if line.origin != origin { text += "# \(line.origin)\n" }
            origin = line.origin
            text += line.requirement + "\n"
        }
        return text
    }

    /// What else decides the tools, for the caches' keys: the declared lines and the lock's pins.
    static func keyMaterial(of project: Project) -> String {
        "declared \(SHA256.hex(Data((declaredText(of: project) ?? "").utf8)))\n"
            + "locked \(SHA256.hex(Data(project.testDependencies.lockPins.joined(separator: "\n").utf8)))\n"
    }

    static func json<Spec: Encodable>(_ spec: Spec) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(spec)
    }

    /// Python that reads the spec into `spec`, writes its `files` under `work`, and its `constraints`
    /// (`name==version` lines) into `work/constraints.txt`; `merged_pins` puts the lock's pins under the
    /// image's versions and leaves the installers (pip, setuptools, wheel) out of both.
    static let prelude = #"""
        import glob, html, importlib.metadata as metadata, json, os, re, shutil, subprocess, sys
        spec = json.load(sys.stdin)
        work = "\#(folder)"
        for name, text in spec["files"].items():
            path = os.path.join(work, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as file:
                file.write(text)
        def write_constraints(pins):
            os.makedirs(work, exist_ok=True)
            with open(os.path.join(work, "constraints.txt"), "w", encoding="utf-8") as file:
                file.write("".join(pin + "\n" for pin in pins))
        def merged_pins(image_pins, lock_pins):
            def name(pin):
                return re.sub(r"[-_.]+", "-", pin.split("==")[0]).lower()
            pins = {name(pin): pin for pin in lock_pins}
            pins.update({name(pin): pin for pin in image_pins})
            return sorted(pin for key, pin in pins.items() if key not in ("pip", "setuptools", "wheel"))
        \#(pipFinder)

        """#

    /// Python that defines `pip_launcher()`: the command that runs pip for this interpreter, never
    /// relying on the image having pip (uv's and Poetry's venvs have none). In order: the interpreter's own
    /// pip; the newest pip wheel that Python carries (`ensurepip`'s bundle, Debian's `python3-pip-whl`),
    /// run as `python pip-X.whl/pip`; else the newest pip wheel for this Python from the index
    /// (`PIP_INDEX_URL`, else PyPI), checked against the index's SHA-256. Says which, once.
    static let pipFinder = #"""
        def version_key(text):
            return tuple(int(part) if part.isdigit() else -1 for part in re.split(r"[.+-]", text))

        def python_allows(requires, version=tuple(sys.version_info[:3])):
            """Whether `version` meets a `Requires-Python` specifier (clauses it cannot read are ignored)."""
            for clause in filter(None, (part.strip() for part in requires.split(","))):
                match = re.match(r"(~=|===|==|!=|<=|>=|<|>)\s*([0-9][0-9.]*?)(\.\*)?$", clause)
                if not match:
                    continue
                operator, number, star = match.groups()
                wanted = tuple(int(part) for part in number.split("."))
                padded = (wanted + (0, 0, 0))[:3]
                same = version[:len(wanted)] == wanted if star else version == padded
                if (operator in ("==", "===") and not same) or (operator == "!=" and same):
                    return False
                if (operator == ">=" and version < padded) or (operator == ">" and version <= padded):
                    return False
                if (operator == "<=" and version > padded) or (operator == "<" and version >= padded):
                    return False
                if operator == "~=" and (version < padded or version[:len(wanted) - 1] != wanted[:-1]):
                    return False
            return True

        def newest_pip_wheel(page, version=tuple(sys.version_info[:3])):
            """The (file name, URL, SHA-256) of the newest pure pip wheel on a PEP 503 index page for `version`."""
            found = []
            for anchor in re.finditer(r"<a\s([^>]*)>\s*([^<]+?)\s*</a>", page):
                attributes, name = anchor.group(1), html.unescape(anchor.group(2))
                match = re.fullmatch(r"pip-([0-9][0-9.]*)-py3-none-any\.whl", name)
                href = re.search(r'href="([^"]+)"', attributes)
                if not match or not href or "data-yanked" in attributes:
                    continue
                requires = re.search(r'data-requires-python="([^"]*)"', attributes)
                if requires and not python_allows(html.unescape(requires.group(1)), version):
                    continue
                url, _, fragment = html.unescape(href.group(1)).partition("#")
                digest = fragment[len("sha256="):] if fragment.startswith("sha256=") else None
                found.append((version_key(match.group(1)), name, url, digest))
            return max(found)[1:] if found else None

        def pip_launcher(folder):
            try:
                import pip  # noqa: F401
                return [sys.executable, "-m", "pip"]
            except ImportError:
                pass
            wheels = glob.glob("/usr/share/python-wheels/pip-*.whl")
            try:
                import ensurepip
                wheels += glob.glob(os.path.join(os.path.dirname(ensurepip.__file__), "_bundled", "pip-*.whl"))
            except ImportError:
                pass
            if wheels:
                wheel = max(wheels, key=lambda path: version_key(os.path.basename(path)[4:].split("-")[0]))
                print("pip: this Python has none; running " + wheel + ".", flush=True)
                return [sys.executable, os.path.join(wheel, "pip")]
            import hashlib, urllib.parse, urllib.request
            index = os.environ.get("PIP_INDEX_URL", "https://pypi.org/simple").rstrip("/") + "/pip/"
            with urllib.request.urlopen(index, timeout=60) as answer:
                page = answer.read().decode("utf-8", "replace")
            chosen = newest_pip_wheel(page)
            if not chosen:
                sys.exit("this Python has no pip, and " + index + " has no pip wheel for Python " + sys.version.split()[0])
            name, url, digest = chosen
            with urllib.request.urlopen(urllib.parse.urljoin(index, url), timeout=120) as answer:
                data = answer.read()
            if digest and hashlib.sha256(data).hexdigest() != digest:
                sys.exit("the pip wheel from " + index + " does not match its SHA-256")
            os.makedirs(folder, exist_ok=True)
            wheel = os.path.join(folder, name)
            with open(wheel, "wb") as file:
                file.write(data)
            host = urllib.parse.urlsplit(index).hostname or index
            print("pip: this Python has none and carries no wheel of it; running " + name + " from " + host + ".", flush=True)
            return [sys.executable, os.path.join(wheel, "pip")]
        """#
}
