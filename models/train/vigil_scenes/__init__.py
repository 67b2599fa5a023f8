"""vigil_scenes: the synthetic scene generator (numpy only): scenes with ground truth, their
frames, captions and questions, and the `python3 -m vigil_scenes.gen` CLI that Java's
`vigil eval` and `vigil demo` call. Format: models/train/README.md."""
