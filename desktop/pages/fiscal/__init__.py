"""Screens of 财政健康指数: figures, index ranking and detail."""
