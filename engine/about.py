"""The application's name and version, readable by both floors (the window's title and About
box, and every workspace file, the terminal's too)."""

APP_NAME = "Latent Lab"
VERSION = "0.1.0"
