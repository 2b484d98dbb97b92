"""Stage 2: the register maths: attendance figures, school weeks, threshold windows,
runs of a code, and the school calendar.

Takes register marks (and settings as arguments); gives figures. Pure functions: nothing
here reads a file or a profile.
"""
