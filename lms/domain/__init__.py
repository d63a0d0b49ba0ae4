"""Pure domain logic of the LMS.

Everything in this package takes plain values and returns plain values: no Flask, no
SQLAlchemy, no clock. "Today" is always an argument. A test proves that importing this
package loads neither flask nor sqlalchemy.
"""
