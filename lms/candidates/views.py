"""candidates pages."""

from flask import Blueprint

bp = Blueprint("candidates", __name__)
