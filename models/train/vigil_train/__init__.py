"""vigil_train: scene generator, training, export for the vigil-tiny model."""
