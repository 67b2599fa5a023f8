"""vigil_train: training, evaluation and export of the vigil-tiny model (scenes: vigil_scenes)."""
