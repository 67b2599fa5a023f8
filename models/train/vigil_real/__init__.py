"""vigil-cam: a real-footage model on a frozen NanoDet-g backbone (see README.md)."""
