//! Where uploaded files live, behind one interface: a local folder by default,
//! or S3-compatible object storage (shared by several instances) when
//! `UPLOADS_S3_BUCKET` is set; credentials and endpoint then come from the
//! usual `AWS_*` variables (the keys may also be given as files, as
//! `AWS_SECRET_ACCESS_KEY_FILE`).

use std::sync::Arc;

use bytes::Bytes;
use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

use crate::config::Config;

#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
}

impl Storage {
    pub fn from_config(config: &Config) -> anyhow::Result<Storage> {
        let store: Arc<dyn ObjectStore> = match &config.uploads_s3_bucket {
            Some(bucket) => Arc::new(s3_builder(config, bucket).build()?),
            None => {
                std::fs::create_dir_all(&config.uploads_dir)
                    .map_err(|e| anyhow::anyhow!("cannot create UPLOADS_DIR {} ({e})", config.uploads_dir.display()))?;
                Arc::new(LocalFileSystem::new_with_prefix(&config.uploads_dir)?)
            }
        };
        Ok(Storage { store })
    }

    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> anyhow::Result<()> {
        self.store.put(&Path::from(key), PutPayload::from(bytes)).await?;
        Ok(())
    }

    /// The stored bytes, or `None` when nothing is stored under `key`.
    pub async fn get(&self, key: &str) -> anyhow::Result<Option<Bytes>> {
        match self.store.get(&Path::from(key)).await {
            Ok(found) => Ok(Some(found.bytes().await?)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}

/// The S3 client's settings: the usual `AWS_*` variables, and the credentials
/// given as files.
pub fn s3_builder(config: &Config, bucket: &str) -> AmazonS3Builder {
    config
        .s3_secrets_from_files
        .iter()
        .fold(AmazonS3Builder::from_env(), |builder, (key, value)| {
            match key.to_ascii_lowercase().parse::<AmazonS3ConfigKey>() {
                Ok(config_key) => builder.with_config(config_key, value),
                Err(_) => builder,
            }
        })
        .with_bucket_name(bucket)
}
