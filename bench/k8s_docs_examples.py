#!/usr/bin/env python3
"""How many of the Kubernetes documentation's examples `sup validate` takes as written (issue 16).

The examples are kubernetes/website's content/en/examples/. Get them once with the repository fetched as a git
directory (a bare clone will do):

    python3 bench/k8s_docs_examples.py --extract-from-git WEBSITE.git --examples /tmp/k8s-examples

which writes every .yaml/.yml/.json file of HEAD's content/en/examples/ under /tmp/k8s-examples (and the commit
read in /tmp/k8s-examples/COMMIT), then measures. Later runs need only --examples.

Each file is given to `sup validate -f FILE`. A file passes when sup exits 0. A file whose every error is an
unknown kind (a custom resource, a configuration file of a Kubernetes component such as kubeadm's or the
scheduler's, a kind sup does not store) or that has no kind at all (a seccomp profile) is left out of the count and
listed. The rest are failures, grouped by their first error (the file and position taken off).
"""

import argparse
import os
import re
import subprocess
import sys
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXTENSIONS = (".yaml", ".yml", ".json")
PREFIX = "content/en/examples/"

ERROR_LINE = re.compile(r"^(?P<file>[^\n]*?):(?P<line>\d+):(?P<col>\d+): (?P<message>.*)$")
UNKNOWN_KIND = re.compile(r'unknown kind "([^"]*)"(?: \(apiVersion "([^"]*)"\))?')
NO_KIND = re.compile(r"required: set kind to one of")


def default_sup():
    for candidate in ("src/MiniKube.Sup.Cli/bin/Debug/net10.0/linux-x64/sup", "src/MiniKube.Sup.Cli/bin/Debug/net10.0/sup"):
        path = os.path.join(ROOT, candidate)
        if os.path.exists(path):
            return path
    return os.path.join(ROOT, "src/MiniKube.Sup.Cli/bin/Debug/net10.0/sup")


def git(gitdir, *args, binary=False):
    out = subprocess.run(["git", f"--git-dir={gitdir}", *args], check=True, capture_output=True).stdout
    return out if binary else out.decode()


def extract(gitdir, into):
    commit = git(gitdir, "rev-parse", "HEAD").strip()
    listing = git(gitdir, "ls-tree", "-r", "-z", "HEAD", PREFIX)
    count = 0
    for entry in filter(None, listing.split("\0")):
        meta, path = entry.split("\t", 1)
        _, kind, blob = meta.split()
        if kind != "blob" or not path.endswith(EXTENSIONS):
            continue
        target = os.path.join(into, path[len(PREFIX):])
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as f:
            f.write(git(gitdir, "cat-file", "blob", blob, binary=True))
        count += 1
    with open(os.path.join(into, "COMMIT"), "w") as f:
        f.write(commit + "\n")
    print(f"extracted {count} files of {PREFIX} at {commit} into {into}")


def example_files(root):
    for directory, _, names in os.walk(root):
        for name in sorted(names):
            if name.endswith(EXTENSIONS):
                yield os.path.relpath(os.path.join(directory, name), root)


def errors_of(output):
    """The error lines of sup validate's output, each as (message), the file and position taken off."""
    found = []
    for line in output.splitlines():
        match = ERROR_LINE.match(line)
        if match:
            found.append(match.group("message"))
    return found


def validate(sup, path):
    result = subprocess.run([sup, "validate", "-f", path], capture_output=True, text=True, timeout=60)
    return result.returncode, result.stdout + result.stderr


def group_key(message):
    # Quoted values vary (names, kinds' lists); keep the message up to the list of allowed kinds.
    return re.sub(r"; sup reads .*$| sup reads .*$", "", message)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", required=True, help="directory holding the examples (content/en/examples/)")
    parser.add_argument("--sup", default=default_sup(), help="the sup binary (default: the Debug build)")
    parser.add_argument("--extract-from-git", metavar="GITDIR",
                        help="first extract content/en/examples/ at HEAD of this git directory into --examples")
    parser.add_argument("--verbose", action="store_true", help="print every failing file's whole output")
    args = parser.parse_args()

    if args.extract_from_git:
        os.makedirs(args.examples, exist_ok=True)
        extract(args.extract_from_git, args.examples)

    commit_file = os.path.join(args.examples, "COMMIT")
    if os.path.exists(commit_file):
        print(f"examples at commit {open(commit_file).read().strip()}")

    passed, failed, left_out = [], defaultdict(list), []
    for relative in sorted(example_files(args.examples)):
        code, output = validate(args.sup, os.path.join(args.examples, relative))
        if code == 0:
            passed.append(relative)
            continue
        messages = errors_of(output)
        unknown = [m for m in messages if UNKNOWN_KIND.search(m) or NO_KIND.search(m)]
        if messages and len(unknown) == len(messages):
            kinds = sorted({"(no kind)" if NO_KIND.search(m) else UNKNOWN_KIND.search(m).group(1) for m in unknown})
            left_out.append((relative, kinds))
            continue
        first = messages[0] if messages else (output.strip().splitlines() or [f"exit {code}, no output"])[0]
        failed[group_key(first)].append((relative, output))

    counted = len(passed) + sum(len(files) for files in failed.values())
    print(f"\nleft out ({len(left_out)}: no kind sup runs or stores):")
    for relative, kinds in left_out:
        print(f"  {relative}: {', '.join(kinds)}")
    print(f"\nfailures ({counted - len(passed)}), by first error:")
    for key, files in sorted(failed.items(), key=lambda item: (-len(item[1]), item[0])):
        print(f"  [{len(files)}] {key}")
        for relative, output in files:
            print(f"      {relative}")
            if args.verbose:
                for line in output.strip().splitlines():
                    print(f"          {line}")
    percent = 100.0 * len(passed) / counted if counted else 0.0
    print(f"\npassed {len(passed)} of {counted} ({percent:.1f} %); {len(left_out)} left out; sup: {args.sup}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
