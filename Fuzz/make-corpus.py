#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora, Fuzz/corpus/<Target>/, from Spec/vectors/*.json.

Run from anywhere: python3 Fuzz/make-corpus.py. The output is committed; rerun after the
vectors change. FuzzFrames inputs start with the header FrameStreamInput.swift describes.
"""
import json
import pathlib
import shutil

FUZZ = pathlib.Path(__file__).resolve().parent
VECTORS = FUZZ.parent / "Spec" / "vectors"
CORPUS = FUZZ / "corpus"
# Must match FrameStreamInput.limits.
LIMITS = [0, 1, 2, 3, 5, 8, 16, 64, 127, 128, 300, 4096, 16_383, 16_384, 65_536, 16 << 20]


def load(name):
    return json.loads((VECTORS / name).read_text())


def frames_header(max_payload, allows_compression, read_sizes):
    """The FuzzFrames header: the smallest table limit that admits max_payload, then the reads."""
    index = next((i for i, limit in enumerate(LIMITS) if limit >= max_payload), len(LIMITS) - 1)
    settings = index | (0x80 if allows_compression else 0)
    return bytes([settings, len(read_sizes)] + read_sizes)


def main():
    shutil.rmtree(CORPUS, ignore_errors=True)
    seeds = {target: {} for target in ("FuzzBinary", "FuzzJSON", "FuzzDifferential", "FuzzFrames")}

    valid = load("messages-valid.json")["vectors"]
    for v in valid:
        seeds["FuzzBinary"][f"valid-{v['name']}"] = bytes.fromhex(v["hex"])
        seeds["FuzzJSON"][f"valid-{v['name']}"] = v["json"].encode()
        if "jsonInput" in v:
            seeds["FuzzJSON"][f"valid-{v['name']}-input"] = v["jsonInput"].encode()
    for v in load("messages-invalid-binary.json")["vectors"]:
        seeds["FuzzBinary"][f"invalid-{v['name']}"] = bytes.fromhex(v["hex"])
    for v in load("messages-invalid-json.json")["vectors"]:
        text = bytes.fromhex(v["hex"]) if "hex" in v else v["text"].encode()
        seeds["FuzzJSON"][f"invalid-{v['name']}"] = text
    for target in ("FuzzBinary", "FuzzJSON"):
        for name, data in seeds[target].items():
            seeds["FuzzDifferential"][f"{target[4:].lower()}-{name}"] = data

    frames = load("frames.json")
    for v in frames["valid"] + frames["invalid"]:
        stream = bytes.fromhex(v["hex"])
        compression = v.get("allowsCompression", False)
        for label, reads in (("whole", []), ("bytewise", [1]), ("mixed", [3, 0, 7])):
            seeds["FuzzFrames"][f"{v['name']}-{label}"] = frames_header(v["maxPayload"], compression, reads) + stream
    every = b"".join(bytes.fromhex(v["frame"]) for v in valid if v.get("frame"))
    seeds["FuzzFrames"]["all-valid-messages"] = frames_header(65_536, False, [5, 1, 64]) + every

    for target, files in seeds.items():
        folder = CORPUS / target
        folder.mkdir(parents=True)
        for name, data in files.items():
            (folder / name).write_bytes(data)
        print(f"{target}: {len(files)} seeds")


if __name__ == "__main__":
    main()
