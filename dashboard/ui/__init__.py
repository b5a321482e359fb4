"""Streamlit views of the incident dashboard (the only package besides app.py that imports streamlit)."""
