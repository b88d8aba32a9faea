//! Where uploaded files live, behind one interface: a local folder by default,
//! or S3-compatible object storage (shared by several instances) when
//! `UPLOADS_S3_BUCKET` is set; credentials and endpoint then come from the
//! usual `AWS_*` variables.

use std::sync::Arc;

use bytes::Bytes;
use object_store::aws::AmazonS3Builder;
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
            Some(bucket) => Arc::new(AmazonS3Builder::from_env().with_bucket_name(bucket).build()?),
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
